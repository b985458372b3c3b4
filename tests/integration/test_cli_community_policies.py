"""`propdesk community set-policy CODE FILE --from DATE` and `community add --policy FILE`:
checked before anything is written, kept with their history, listed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from importlib.resources import files
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.config.settings import Settings
from api.storage.communities import open_communities
from projections.calendar import SHANGHAI
from projections.policy import default_policy_text

LEVEL_2 = files("projections").joinpath("policies/level-2.toml").read_text(encoding="utf-8")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def level_2(tmp_path: Path) -> str:
    path = tmp_path / "level-2.toml"
    path.write_text(LEVEL_2, encoding="utf-8")
    return str(path)


def versions(db: str) -> list[tuple[str, int, str]]:
    registry = open_communities(Settings.load({}, db=db))
    try:
        return [(v.community, v.version, v.policy.name) for v in registry.policy_versions()]
    finally:
        registry.close()


def test_set_policy_records_a_new_version_from_a_day_and_the_list_shows_it(
    db: str, level_2: str
) -> None:
    assert run("community", "add", "pine-court", "--name", "松苑", "--db", db)[0] == 0
    tomorrow = (datetime.now(SHANGHAI) + timedelta(days=1)).date().isoformat()
    code, out, err = run(
        "community", "set-policy", "pine-court", level_2, "--from", tomorrow, "--db", db
    )
    assert code == 0, err
    assert (
        f"milestones starting from {tomorrow} on are judged under 'level-2 (二级)' (version 2)"
        in out
    )
    assert versions(db) == [("pine-court", 2, "level-2 (二级)")]
    listed = json.loads(run("community", "list", "--format", "json", "--db", db)[1])
    pine = next(c for c in listed if c["code"] == "pine-court")
    assert (pine["policy"], pine["policy_from"]) == ("level-2 (二级)", tomorrow)


def test_community_add_with_a_policy_judges_its_cases_under_it_from_today(
    db: str, level_2: str
) -> None:
    code, _, err = run(
        "community", "add", "lake", "--name", "湖畔", "--policy", level_2, "--db", db
    )
    assert code == 0, err
    assert versions(db) == [("lake", 2, "level-2 (二级)")]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["north", "{file}", "--from", "{today}"], "unknown community 'north'"),
        (["pine-court", "{file}", "--from", "2020-01-01"], "is before today"),
        (["pine-court", "{file}", "--from", "tomorrow"], "Invalid isoformat"),
        (["pine-court", "{bad}", "--from", "{today}"], "not valid TOML"),
        (["pine-court", "{calendar}", "--from", "{today}"], "[calendar] differs"),
        (["pine-court", "{missing}", "--from", "{today}"], "No such file"),
    ],
)
def test_a_policy_that_cannot_be_used_is_refused_with_the_reason_and_nothing_is_recorded(
    db: str, tmp_path: Path, level_2: str, args: list[str], says: str
) -> None:
    assert run("community", "add", "pine-court", "--name", "松苑", "--db", db)[0] == 0
    bad, calendar = tmp_path / "bad.toml", tmp_path / "calendar.toml"
    bad.write_text("name = ", encoding="utf-8")
    calendar.write_text(default_policy_text().replace('closes = "17:30"', 'closes = "18:00"'))
    today = datetime.now(SHANGHAI).date().isoformat()
    given = [
        a.format(
            file=level_2, bad=bad, calendar=calendar, missing=tmp_path / "none.toml", today=today
        )
        for a in args
    ]
    code, out, err = run("community", "set-policy", *given, "--db", db)
    assert code == 2
    assert says in " ".join((out + err).split())
    assert versions(db) == []
