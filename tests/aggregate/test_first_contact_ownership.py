"""首问负责制 on the aggregate: the first receiver owns the case until a recorded handover."""

from __future__ import annotations

import pytest

from support.case_aggregates import Clock, act, received, refusal, walked
from workflow.errors import InvalidInput, InvalidTransition
from workflow.events import HandedOver, Received


def test_the_first_receiver_owns_the_case_whoever_entered_it() -> None:
    case = received("repair", received_by="desk-zhang", actor="hotline-import")
    (event,) = case.pending_events
    assert isinstance(event, Received)
    assert (event.actor, event.received_by) == ("hotline-import", "desk-zhang")
    assert (case.owner, case.received_by, case.handovers) == ("desk-zhang", "desk-zhang", 0)


def test_working_on_a_case_does_not_move_its_ownership() -> None:
    clock = Clock()
    case = received("repair", clock, received_by="desk-zhang")
    for step in (("dispatch", {"assignee": "eng-wang"}), "sign", "arrive", "complete"):
        act(case, clock, step, actor="eng-wang")
    act(case, clock, ("callback", {"outcome": "unsatisfied"}), actor="cs-li")
    assert (case.owner, case.handovers) == ("desk-zhang", 0)


def test_a_handover_moves_ownership_and_records_from_whom_to_whom_and_why() -> None:
    clock = Clock()
    case = walked("complaint", "dispatched", clock)
    act(case, clock, ("handover", {"to": "desk-li", "reason": "shift change"}), actor="desk-zhang")
    act(case, clock, ("handover", {"to": "desk-wu", "reason": "on leave"}), actor="desk-li")
    first, second = case.pending_events[-2:]
    assert isinstance(first, HandedOver)
    assert isinstance(second, HandedOver)
    assert (first.previous_owner, first.to, first.reason) == (
        "desk-zhang",
        "desk-li",
        "shift change",
    )
    assert (second.previous_owner, second.to, second.actor) == ("desk-li", "desk-wu", "desk-li")
    assert (case.owner, case.handovers, case.state) == ("desk-wu", 2, "dispatched")


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        ("repair", "on_hold"),
        ("repair", "completed"),
        ("complaint", "reopened"),
        ("renovation", "acceptance_requested"),
        ("renovation", "rework"),
    ],
)
def test_an_open_case_is_handed_over_in_any_state_and_stays_in_it(kind: str, state: str) -> None:
    clock = Clock()
    case = walked(kind, state, clock)
    act(case, clock, "handover")
    assert (case.owner, case.state) == ("desk-li", state)


def test_a_case_cannot_be_handed_over_to_its_owner() -> None:
    clock = Clock()
    case = walked("repair", "dispatched", clock)
    error = refusal(case, "handover", clock.stamp(), to="desk-zhang", reason="shift change")
    assert isinstance(error, InvalidInput)
    assert (error.field, error.problem) == (
        "to",
        "'desk-zhang' already owns the case; hand over to another",
    )


@pytest.mark.parametrize("state", ["closed", "cancelled"])
def test_an_ended_case_cannot_be_handed_over(state: str) -> None:
    clock = Clock()
    case = walked("repair", state, clock)
    error = refusal(case, "handover", clock.stamp(), to="desk-li", reason="shift change")
    assert isinstance(error, InvalidTransition)
    assert case.owner == "desk-zhang"
