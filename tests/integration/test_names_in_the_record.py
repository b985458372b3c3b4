"""Staff names are recorded NFC-normalised, so one name typed two ways is one name; events
recorded before today's rules still load and replay, whatever they hold."""

from __future__ import annotations

import json
from dataclasses import replace
from uuid import uuid4

import pytest

from support.driver import receive
from workflow.errors import InvalidInput
from workflow.service import CaseService

JOSE_DECOMPOSED, JOSE = "Jose\u0301", "Jos\u00e9"
KIM_DECOMPOSED, KIM = "\u1100\u1175\u11b7", "\uae40"  # Hangul jamo, and the syllable 김


def test_a_decomposed_name_is_recorded_composed_and_is_the_same_name(app: CaseService) -> None:
    case_id = receive(app, "repair", received_by=JOSE_DECOMPOSED)
    app.dispatch(case_id, actor=JOSE_DECOMPOSED, assignee=KIM_DECOMPOSED, team="工程部")
    case = app.get(case_id)
    assert (case.received_by, case.owner, case.assignee) == (JOSE, JOSE, KIM)
    received, dispatched = app.history(case_id)
    assert (received.actor, received.data["received_by"]) == (JOSE, JOSE)
    assert (dispatched.actor, dispatched.data["assignee"]) == (JOSE, KIM)
    with pytest.raises(InvalidInput, match="already dispatched to '김'"):
        app.dispatch(case_id, actor="desk-1", assignee=KIM)
    with pytest.raises(InvalidInput, match="'José' already owns the case"):
        app.handover(case_id, actor="desk-1", to=JOSE_DECOMPOSED, reason="shift change")


def test_chinese_staff_names_and_teams_are_recorded_as_typed(app: CaseService) -> None:
    case_id = receive(app, "complaint", received_by="张伟", location="3号楼 大堂")
    app.dispatch(case_id, actor="张伟", assignee="李娜", team="客服 中心")
    app.handover(case_id, actor="张伟", to="王芳", reason="换班")
    case = app.get(case_id)
    assert (case.location, case.area, case.owner, case.assignee, case.team) == (
        "3号楼 大堂",
        "common",
        "王芳",
        "李娜",
        "客服 中心",
    )


def test_old_events_with_values_the_rules_now_refuse_still_load_and_replay(
    app: CaseService,
) -> None:
    """Stored events are never rewritten: a location with a phone number in it and names
    with spaces, recorded before the rules, load as they were and the case goes on."""
    written = app.get(receive(app, "repair"))
    stored = app.recorder.select_events(written.id)[0]
    state = json.loads(stored.state)
    state.update(
        location="3-2-1201 王先生 13800000000", received_by="desk zhang", actor="desk zhang"
    )
    old = replace(stored, originator_id=uuid4(), state=json.dumps(state).encode())
    app.recorder.insert_events([old])

    loaded = app.get(old.originator_id)
    assert (loaded.location, loaded.area, loaded.owner) == (
        "3-2-1201 王先生 13800000000",
        "in_home",
        "desk zhang",
    )
    app.dispatch(old.originator_id, actor="desk-li", assignee="eng-wang")
    app.handover(old.originator_id, actor="desk-li", to="desk-li", reason="the old name is gone")
    again = app.get(old.originator_id)
    assert (again.version, again.owner, again.location) == (3, "desk-li", loaded.location)
    assert app.history(old.originator_id)[2].data["previous_owner"] == "desk zhang"
