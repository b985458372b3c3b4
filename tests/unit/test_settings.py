"""One validated settings object: a file path means SQLite, a postgresql:// URL PostgreSQL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from api.config.environment import variable
from api.config.server import ServerEnvironment
from api.config.settings import DEFAULT_DB, Environment, Settings, SettingsError
from workflow.backdating import Backdating


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


def test_late_entries_default_to_minutes_in_the_field_and_a_day_at_the_desk() -> None:
    late = Settings.load({}).late_entries
    assert (late.field_staff.tolerance, late.field_staff.limit) == (
        timedelta(minutes=15),
        timedelta(hours=24),
    )
    assert (late.desk_staff.tolerance, late.desk_staff.limit) == (
        timedelta(hours=24),
        timedelta(days=7),
    )
    assert (late.admins.tolerance, late.admins.limit) == (timedelta(hours=24), None)


def test_late_entry_durations_are_read_from_the_environment() -> None:
    late = Settings.load(
        {
            "PROPDESK_LATE_TOLERANCE_FIELD": "30m",
            "PROPDESK_LATE_LIMIT_FIELD": "2d",
            "PROPDESK_LATE_TOLERANCE_DESK": "0m",
            "PROPDESK_LATE_LIMIT_DESK": "36h",
        }
    ).late_entries
    assert (late.field_staff.tolerance, late.field_staff.limit) == (
        timedelta(minutes=30),
        timedelta(days=2),
    )
    assert (late.desk_staff.tolerance, late.desk_staff.limit) == (timedelta(0), timedelta(hours=36))
    assert late.admins == Backdating(tolerance=timedelta(0), limit=None)


@pytest.mark.parametrize(
    ("environ", "match"),
    [
        (
            {"PROPDESK_LATE_TOLERANCE_FIELD": "soon"},
            r"PROPDESK_LATE_TOLERANCE_FIELD='soon' is not a duration; .* 15m, 24h, 7d",
        ),
        ({"PROPDESK_LATE_LIMIT_DESK": "-1d"}, r"PROPDESK_LATE_LIMIT_DESK='-1d' is not a duration"),
        ({"PROPDESK_LATE_LIMIT_FIELD": "90"}, r"PROPDESK_LATE_LIMIT_FIELD='90' is not a duration"),
        (
            {"PROPDESK_LATE_TOLERANCE_FIELD": "2h", "PROPDESK_LATE_LIMIT_FIELD": "1h"},
            r"PROPDESK_LATE_TOLERANCE_FIELD \(2h\) is longer than PROPDESK_LATE_LIMIT_FIELD "
            r"\(1h\)",
        ),
        (
            {"PROPDESK_LATE_TOLERANCE_DESK": "8d"},
            r"PROPDESK_LATE_TOLERANCE_DESK \(8d\) is longer than PROPDESK_LATE_LIMIT_DESK \(7d\)",
        ),
    ],
)
def test_an_unusable_late_entry_setting_is_refused_at_start_up(
    environ: dict[str, str], match: str
) -> None:
    with pytest.raises(SettingsError, match=match):
        Settings.load(environ)


def test_a_given_mapping_is_read_alone_and_none_means_the_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROPDESK_TIMEZONE", "Mars/Olympus")
    assert Settings.load({}).timezone == ZoneInfo("Asia/Shanghai")
    with pytest.raises(SettingsError, match="PROPDESK_TIMEZONE='Mars/Olympus'"):
        Settings.load()


def test_variables_are_read_by_their_exact_names() -> None:
    assert Settings.load({"propdesk_timezone": "Europe/Berlin"}).timezone == ZoneInfo(
        "Asia/Shanghai"
    )
    assert Settings.load({"PROPDESK_TIMEZONE": "Europe/Berlin"}).timezone == ZoneInfo(
        "Europe/Berlin"
    )


def test_the_variables_read_never_show_the_database_password() -> None:
    url = "postgresql://desk:s3cret-pw@db.local:6543/propdesk"
    environment = Environment.read({"PROPDESK_DB": url})
    assert environment.db == url
    assert "s3cret-pw" not in repr(environment)
    assert "s3cret-pw" not in str(environment)


def test_the_first_unusable_variable_in_the_order_of_the_fields_is_the_one_reported() -> None:
    both = {"PROPDESK_TIMEZONE": "Mars/Olympus", "PROPDESK_DB": "mysql://u@h/db"}
    with pytest.raises(SettingsError, match="PROPDESK_TIMEZONE"):
        Settings.load(both)
    with pytest.raises(SettingsError, match="unsupported database"):
        Settings.load({**both, "PROPDESK_TIMEZONE": "UTC"})


SRC = Path(__file__).resolve().parents[2] / "src"


def test_every_propdesk_variable_the_code_names_is_a_field_of_the_settings_classes() -> None:
    named = {
        name
        for path in SRC.rglob("*.py")
        for name in re.findall(r"PROPDESK_[A-Z_]+", path.read_text())
        if not name.endswith("_")  # a group: PROPDESK_LATE_*
    }
    read = {variable(name) for name in ServerEnvironment.model_fields}
    assert named - read == set()


def test_importing_the_entry_points_reads_no_setting(tmp_path: Path) -> None:
    bad = {**os.environ, "PROPDESK_TIMEZONE": "Mars/Olympus", "PROPDESK_HTTP_READ_WAIT": "x"}
    modules = "import api.cli.main, api.http.app, api.server.workers, api.server.follower"
    done = subprocess.run(
        [sys.executable, "-c", modules], env=bad, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    loading = subprocess.run(
        [sys.executable, "-c", "from api.config.settings import Settings; Settings.load()"],
        env=bad,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "PROPDESK_TIMEZONE='Mars/Olympus'" in loading.stderr
