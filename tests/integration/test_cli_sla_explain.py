"""`propdesk sla explain`: a table per milestone by default, GET /requests/{id}/sla's body
with --format json, one milestone with --milestone, the case as it stood with --as-of."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from click.testing import Result
from typer.testing import CliRunner

from api.cli.main import app
from api.config.settings import Settings
from api.wiring import open_service
from support.driver import receive

# Friday 20 November 2026 to Monday 23 November; times in Asia/Shanghai.
RECEIVED = "2026-11-20T17:10:00+08:00"
RECORDED = datetime.fromisoformat("2026-11-23T10:00:00+08:00")
ENV: dict[str, str | None] = {"PROPDESK_TIMEZONE": None, "COLUMNS": "250"}


@pytest.fixture
def case(db: str) -> str:
    """A normal repair received on a Friday evening, dispatched on Monday at 08:50 and held
    from 09:00 to 09:30; all recorded on Monday morning, the late ones with a reason."""
    service = open_service(Settings.load({}, db=db), clock=lambda: RECORDED)
    case_id = receive(
        service, "repair", received_at=RECEIVED, late_reason="typed in from the night log"
    )
    service.dispatch(case_id, actor="desk-1", assignee="eng-wang", at="2026-11-23T08:50:00+08:00")
    service.hold(
        case_id,
        actor="eng-wang",
        reason="waiting for a part",
        note="ordered",
        at="2026-11-23T09:00:00+08:00",
    )
    service.resume(case_id, actor="eng-wang", at="2026-11-23T09:30:00+08:00")
    service.close()
    return str(case_id)


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=ENV)


def ok(*args: str) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def test_json_gives_each_milestones_days_holds_and_verdict(db: str, case: str) -> None:
    moment = "2026-11-23T10:00:00+08:00"
    shown = json.loads(
        ok("sla", "explain", case, "--db", db, "--as-of", moment, "--format", "json").stdout
    )
    milestones = {m["name"]: m for m in shown["milestones"]}
    assert list(milestones) == ["dispatch", "completion", "callback"]
    dispatch = milestones["dispatch"]
    assert (dispatch["status"], dispatch["start_event"], dispatch["stop_event"]) == (
        "breached",
        "Received",
        "Dispatched",
    )
    assert [(d["date"], d["kind"], d["counted_minutes"]) for d in dispatch["days"]] == [
        ("2026-11-20", "working", 20.0),
        ("2026-11-21", "weekend", 0.0),
        ("2026-11-22", "weekend", 0.0),
        ("2026-11-23", "working", 20.0),
    ]
    assert (dispatch["elapsed_minutes"], dispatch["target"]) == (40.0, "30m")
    completion = milestones["completion"]
    assert completion["status"] == "running"
    assert completion["holds"] == [
        {"from": "2026-11-23T09:00:00+08:00", "to": "2026-11-23T09:30:00+08:00", "minutes": 30.0}
    ]
    # Friday 20 min, Monday 08:30-10:00 90 min, less the 30-minute hold.
    assert (completion["counted_minutes"], completion["held_minutes"]) == (110.0, 30.0)
    assert completion["elapsed_minutes"] == 80.0
    assert completion["counted_until"] == moment


def test_the_table_names_the_weekend_the_night_and_the_total(db: str, case: str) -> None:
    shown = ok("sla", "explain", case, "--db", db, "--milestone", "dispatch").stdout
    assert "dispatch: " in shown
    assert "weekend" in shown
    assert "after closing" in shown
    assert "before opening" in shown
    assert "completion" not in shown
    assert "40.0 counted - 0.0 held = 40.0 elapsed" in shown


def test_an_unknown_milestone_is_refused_with_the_cases_milestones(db: str, case: str) -> None:
    result = run("sla", "explain", case, "--db", db, "--milestone", "review")
    assert result.exit_code == 2
    assert "dispatch, completion, callback" in result.output


def test_an_as_of_in_the_future_is_refused(db: str, case: str) -> None:
    result = run("sla", "explain", case, "--db", db, "--as-of", "2999-01-01T00:00:00+08:00")
    assert result.exit_code == 2
    assert "--as-of" in result.output
