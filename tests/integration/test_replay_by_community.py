"""What-if replay for some communities: `propdesk replay --community CODE` compares the
live and the candidate policy over those communities' cases alone, on each backend; a
misspelt community is refused, as the reports refuse it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from api.cli.main import app
from projections.asof import Period
from projections.policy import default_policy_text
from projections.reports import sla_report
from support.readside import shanghai
from support.three_communities import AS_OF, WINDOW, morning


def replay(db: str, policy: Path, *more: str) -> dict[str, Any]:
    args = ["replay", "--policy", str(policy), "--db", db, *WINDOW, "--format", "json", *more]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def five_minutes_to_dispatch(tmp_path: Path) -> Path:
    policy = tmp_path / "strict.toml"
    policy.write_text(
        default_policy_text()
        .replace('target = "30m"', 'target = "5m"')
        .replace('name = "default (一级)"', 'name = "strict"')
    )
    return policy


def dispatch(document: dict[str, Any]) -> tuple[int, int, int, int]:
    row = next(
        d for d in document["differences"] if (d["kind"], d["milestone"]) == ("repair", "dispatch")
    )
    return (row["live_met"], row["live_breached"], row["candidate_met"], row["candidate_breached"])


def test_replay_for_one_community_compares_its_cases_alone(db: str, tmp_path: Path) -> None:
    s = morning(db)
    strict = five_minutes_to_dispatch(tmp_path)
    sunny = replay(db, strict, "--community", "sunny-garden")
    assert sunny["live"]["communities"] == ["sunny-garden"]
    assert sunny["candidate"]["communities"] == ["sunny-garden"]
    s.follower.catch_up()
    alone = sla_report(
        s.follower.store,
        s.policy,
        Period(date(2026, 11, 24), date(2026, 11, 25)),
        shanghai(AS_OF),
        ("sunny-garden",),
    )
    assert sunny["live"]["rows"] == alone.rows
    # Dispatched in 10 minutes: met in 30, breached in 5; the undispatched one breaches both.
    assert dispatch(sunny) == (1, 1, 0, 2)
    # Company-wide, default's repair, dispatched in 5 minutes, meets either target.
    assert dispatch(replay(db, strict)) == (2, 2, 1, 3)

    # Another community's case, dispatched in 10 minutes, changes the company's figures and
    # not sunny-garden's.
    lake = s.receive("2026-11-24T11:00", "repair", received_by="desk-wu", community="lake-view")
    s.do("2026-11-24T11:10", "dispatch", lake, actor="desk-wu", assignee="eng-zhao")
    assert replay(db, strict, "--community", "sunny-garden") == sunny
    assert dispatch(replay(db, strict)) == (3, 2, 1, 4)


def test_replay_names_its_communities_and_refuses_an_unknown_one(db: str, tmp_path: Path) -> None:
    morning(db)
    strict = five_minutes_to_dispatch(tmp_path)
    args = ["replay", "--policy", str(strict), "--db", db, *WINDOW]
    shown = CliRunner().invoke(
        app, [*args, "--community", "lake-view", "--community", "sunny-garden"],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert "vs candidate 'strict', cases in lake-view, sunny-garden" in shown.stdout
    unknown = CliRunner().invoke(app, [*args, "--community", "sunny-gardn"])
    assert unknown.exit_code == 2
    assert "unknown community 'sunny-gardn'" in unknown.stderr
