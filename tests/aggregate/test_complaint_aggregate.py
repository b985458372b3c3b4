"""The complaint aggregate alone: replies, holds, invalidation and the callback."""

from __future__ import annotations

import pytest

from support.case_aggregates import Clock, act, received, walked
from workflow.events import (
    CallbackRecorded,
    Completed,
    Dispatched,
    Invalidated,
    Received,
    Replied,
)


def test_a_complaint_is_dispatched_answered_completed_and_closed_by_its_callback() -> None:
    clock = Clock()
    case = received("complaint", clock)
    act(case, clock, ("dispatch", {"assignee": "guard-zhao", "team": "security"}))
    assert (case.state, case.assignee, case.team) == ("dispatched", "guard-zhao", "security")
    act(case, clock, ("reply", {"message": "a guard is on the way"}))
    first_reply = case.pending_events[-1].occurred_at
    act(case, clock, ("reply", {"message": "the barrier is repaired"}))
    assert (case.state, case.replies, case.first_reply_at) == ("dispatched", 2, first_reply)
    act(case, clock, ("complete", {"resolution": "barrier motor replaced"}))
    assert (case.state, case.resolution) == ("completed", "barrier motor replaced")
    act(case, clock, ("callback", {"outcome": "satisfied"}))
    assert case.state == "closed"
    assert not case.is_open
    assert [type(e) for e in case.pending_events] == [
        Received,
        Dispatched,
        Replied,
        Replied,
        Completed,
        CallbackRecorded,
    ]
    messages = [e.message for e in case.pending_events if isinstance(e, Replied)]
    assert messages == ["a guard is on the way", "the barrier is repaired"]


@pytest.mark.parametrize("state", ["received", "dispatched", "on_hold", "reopened"])
def test_a_reply_records_the_answer_and_leaves_the_state_alone(state: str) -> None:
    clock = Clock()
    case = walked("complaint", state, clock)
    act(case, clock, ("reply", {"message": "we are looking into it"}))
    assert case.state == state
    assert (case.replies, case.first_reply_at) == (1, case.pending_events[-1].occurred_at)


@pytest.mark.parametrize("state", ["received", "dispatched", "reopened"])
def test_a_held_complaint_resumes_in_the_state_it_was_held_in(state: str) -> None:
    clock = Clock()
    case = walked("complaint", state, clock)
    act(case, clock, ("hold", {"reason": "waiting for the city"}))
    assert (case.state, case.held_from) == ("on_hold", state)
    act(case, clock, "resume")
    assert (case.state, case.held_from, case.hold_reason) == (state, None, None)


@pytest.mark.parametrize("state", ["received", "dispatched", "on_hold"])
def test_an_invalid_complaint_ends_with_its_reason_and_the_explanation_given(state: str) -> None:
    clock = Clock()
    case = walked("complaint", state, clock)
    act(
        case,
        clock,
        (
            "invalidate",
            {"reason": "outside our remit", "explanation": "street lights belong to the city"},
        ),
    )
    ended = case.pending_events[-1]
    assert isinstance(ended, Invalidated)
    assert (ended.reason, ended.explanation) == (
        "outside our remit",
        "street lights belong to the city",
    )
    assert (case.state, case.end_reason, case.ended_at) == (
        "invalid",
        "outside our remit",
        ended.occurred_at,
    )
    assert not case.is_open
    assert case.allowed_commands() == ()


def test_a_reopened_complaint_is_dispatched_again_and_closes_on_a_later_callback() -> None:
    clock = Clock()
    case = walked("complaint", "reopened", clock)
    act(case, clock, ("dispatch", {"assignee": "guard-qian"}))
    assert (case.state, case.assignees) == ("dispatched", ["eng-wang", "guard-qian"])
    act(case, clock, "complete")
    act(case, clock, ("callback", {"outcome": "basically_satisfied"}))
    assert case.state == "closed"
    assert case.callbacks == ["unsatisfied", "basically_satisfied"]
