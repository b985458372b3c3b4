"""`propdesk show` gives the description and the milestones; `propdesk history` a readable
table by default and JSON on request, neither with internal fields."""

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
from workflow.personal_data import Reporter

# Monday 16 November 2026, a working day; times in Asia/Shanghai.
RECEIVED = "2026-11-16T09:00:00+08:00"
RECORDED = datetime.fromisoformat("2026-11-16T10:30:00+08:00")
ENV: dict[str, str | None] = {"PROPDESK_TIMEZONE": None, "COLUMNS": "250"}


@pytest.fixture
def case(db: str) -> str:
    """A normal repair dispatched after 10 minutes, held for an hour and resumed."""
    # Recorded the same morning, on a clock of its own: all within the service's tolerance.
    service = open_service(Settings.load({}, db=db), clock=lambda: RECORDED)
    case_id = receive(
        service,
        "repair",
        received_at=RECEIVED,
        description="kitchen tap drips all night",
        reporter=Reporter(name="王芳", phone="13800000000"),
    )
    service.dispatch(case_id, actor="desk-1", assignee="eng-wang", at="2026-11-16T09:10:00+08:00")
    service.hold(
        case_id,
        actor="eng-wang",
        reason="waiting for a cartridge",
        note="ordered from the supplier",
        at="2026-11-16T09:20:00+08:00",
        late_reason="written up after the call",
    )
    service.resume(case_id, actor="eng-wang", at="2026-11-16T10:20:00+08:00")
    service.close()
    return str(case_id)


def ok(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env=ENV)
    assert result.exit_code == 0, result.output
    return result


def test_show_gives_the_description_and_each_milestone_in_json(db: str, case: str) -> None:
    shown = json.loads(ok("show", case, "--db", db, "--format", "json").stdout)
    assert shown["description"] == "kitchen tap drips all night"
    milestones = {m["name"]: m for m in shown["milestones"]}
    assert list(milestones) == ["dispatch", "completion", "callback"]
    assert milestones["dispatch"] == {
        "name": "dispatch",
        "status": "met",
        "target": "30m",
        "clock": "business",
        "started_at": "2026-11-16T09:00:00+08:00",
        "due_at": "2026-11-16T09:30:00+08:00",
        "stopped_at": "2026-11-16T09:10:00+08:00",
        "held_minutes": 0.0,
    }
    # Nine business hours plus the hour on hold: Monday 09:00 to Tuesday 10:00.
    completion = milestones["completion"]
    assert (completion["status"], completion["held_minutes"]) == ("breached", 60.0)
    assert completion["due_at"] == "2026-11-17T10:00:00+08:00"
    assert completion["stopped_at"] is None
    assert milestones["callback"]["status"] == "not_started"


def test_show_prints_the_description_and_a_milestone_table(db: str, case: str) -> None:
    output = ok("show", case, "--db", db).stdout
    assert "kitchen tap drips all night" in output
    lines = output.splitlines()
    dispatch = next(line for line in lines if "dispatch" in line and "met" in line)
    assert "stopped 2026-11-16 09:10:00+08:00" in dispatch
    completion = next(line for line in lines if "completion" in line)
    for expected in ("breached", "due 2026-11-17 10:00:00+08:00", "1h 00m"):
        assert expected in completion


def test_history_prints_a_table_by_default_without_internal_fields(db: str, case: str) -> None:
    output = ok("history", case, "--db", db).stdout
    header = next(line for line in output.splitlines() if "version" in line)
    for column in ("version", "occurred", "recorded", "who", "what", "details", "late entry"):
        assert column in header
    held = next(line for line in output.splitlines() if "Held" in line)
    for expected in (
        "2026-11-16 09:20:00+08:00",
        "2026-11-16 10:30:00+08:00",
        "eng-wang",
        "waiting for a cartridge",
        "written up after the call",
    ):
        assert expected in held
    assert "ordered from the supplier" in output
    for internal in ("fingerprint", "reporter_ref", "{", "王芳", "13800000000"):
        assert internal not in output


def test_history_in_json_carries_every_event_without_internal_fields(db: str, case: str) -> None:
    entries = json.loads(ok("history", case, "--db", db, "--format", "json").stdout)
    assert [e["type"] for e in entries] == ["Received", "Dispatched", "Held", "Resumed"]
    assert entries[2]["note"] == "ordered from the supplier"
    assert entries[2]["data"] == {"reason": "waiting for a cartridge"}
    assert [e["late_reason"] for e in entries] == [None, None, "written up after the call", None]
    assert entries[0]["data"]["description"] == "kitchen tap drips all night"
    for entry in entries:
        assert set(entry) == {
            "version", "type", "actor", "occurred_at", "recorded_at", "note", "late_reason",
            "data",
        }  # fmt: skip
        assert not {"fingerprint", "reporter_ref"} & set(entry["data"])
