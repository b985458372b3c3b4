"""One validated settings object: a file path means SQLite, a postgresql:// URL PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from api.settings import DEFAULT_DB, Settings, SettingsError


def test_the_default_database_is_propdesk_db_in_the_working_directory() -> None:
    settings = Settings.load({})
    assert settings.db == DEFAULT_DB
    assert settings.eventsourcing_env()["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"


def test_the_db_flag_wins_over_the_environment(tmp_path: Path) -> None:
    chosen = str(tmp_path / "flag.db")
    settings = Settings.load({"PROPDESK_DB": str(tmp_path / "env.db")}, db=chosen)
    assert settings.eventsourcing_env()["SQLITE_DBNAME"] == chosen


def test_a_postgresql_url_becomes_eventsourcing_postgres_settings() -> None:
    env = Settings.load({"PROPDESK_DB": "postgresql://desk:s%40cret@db.local:6543/propdesk"})
    assert env.is_postgres
    values = env.eventsourcing_env()
    assert values["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (values["POSTGRES_HOST"], values["POSTGRES_PORT"]) == ("db.local", "6543")
    assert (values["POSTGRES_USER"], values["POSTGRES_PASSWORD"]) == ("desk", "s@cret")
    assert values["POSTGRES_DBNAME"] == "propdesk"


@pytest.mark.parametrize(
    ("db", "match"),
    [
        ("postgresql://localhost", r"incomplete PostgreSQL URL"),
        ("postgresql://u@h:port/db", r"the port .* is not a number"),
        ("mysql://u@h/db", r"unsupported database 'mysql://u@h/db'"),
        ("/no/such/dir/propdesk.db", r"directory /no/such/dir does not exist"),
    ],
)
def test_an_unusable_database_setting_is_refused_at_start_up(db: str, match: str) -> None:
    with pytest.raises(SettingsError, match=match):
        Settings.load({"PROPDESK_DB": db})


def test_the_deployment_time_zone_is_asia_shanghai_unless_propdesk_timezone_names_another() -> None:
    assert Settings.load({}).timezone == ZoneInfo("Asia/Shanghai")
    assert Settings.load({"PROPDESK_TIMEZONE": ""}).timezone == ZoneInfo("Asia/Shanghai")
    chosen = Settings.load({"PROPDESK_TIMEZONE": "Europe/Berlin"})
    assert chosen.timezone == ZoneInfo("Europe/Berlin")
    assert "Europe/Berlin" in repr(chosen)


@pytest.mark.parametrize("name", ["Mars/Olympus", "asia/shanghai", "../etc/passwd", "+08:00"])
def test_a_time_zone_that_is_not_an_iana_name_is_refused_at_start_up(name: str) -> None:
    with pytest.raises(SettingsError, match=r"PROPDESK_TIMEZONE=.* is not an IANA time zone"):
        Settings.load({"PROPDESK_TIMEZONE": name})
