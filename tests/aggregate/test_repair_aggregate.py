"""The repair aggregate alone: each command records one event, and the event sets the state."""

from __future__ import annotations

from decimal import Decimal

import pytest

from support.case_aggregates import ARGUMENTS, Clock, act, received, walked
from workflow.events import (
    Arrived,
    CallbackRecorded,
    Completed,
    Dispatched,
    Held,
    QuoteAccepted,
    Quoted,
    Received,
    Resumed,
    Signed,
)


def test_a_repair_goes_from_intake_through_a_quote_to_closed_with_one_event_per_command() -> None:
    clock = Clock()
    case = received("repair", clock)
    assert (case.state, case.owner, case.version) == ("received", "desk-zhang", 1)
    for step, state in [
        (("dispatch", {"assignee": "eng-wang", "team": "engineering"}), "dispatched"),
        ("sign", "signed"),
        ("arrive", "on_site"),
        (("quote", {"amount": "80"}), "quoted"),
        ("accept_quote", "on_site"),
        (("complete", {"resolution": "replaced the valve"}), "completed"),
        (("callback", {"outcome": "satisfied"}), "closed"),
    ]:
        act(case, clock, step, actor="eng-wang")
        assert case.state == state
    events = case.pending_events
    assert [type(e) for e in events] == [
        Received,
        Dispatched,
        Signed,
        Arrived,
        Quoted,
        QuoteAccepted,
        Completed,
        CallbackRecorded,
    ]
    assert [e.originator_version for e in events] == list(range(1, 9))
    assert all(e.actor == "eng-wang" for e in events[1:])
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)
    assert case.last_occurred_at == events[-1].occurred_at
    assert (case.assignee, case.team, case.assignees) == ("eng-wang", "engineering", ["eng-wang"])
    assert (case.quoted_amount, case.quote_accepted) == (Decimal("80.00"), True)
    assert (case.resolution, case.completed_at) == ("replaced the valve", events[6].occurred_at)
    assert (case.callbacks, case.ended_at) == (["satisfied"], events[7].occurred_at)
    assert not case.is_open
    assert case.allowed_commands() == ()


def test_a_quote_waits_for_the_residents_acceptance_before_the_work_can_complete() -> None:
    clock = Clock()
    case = walked("repair", "quoted", clock)
    quoted = case.pending_events[-1]
    assert isinstance(quoted, Quoted)
    amount = Decimal(ARGUMENTS["quote"]["amount"])
    assert quoted.amount == amount
    assert (case.quoted_amount, case.quote_accepted) == (amount, False)
    assert "complete" not in case.allowed_commands()
    act(case, clock, "accept_quote")
    assert (case.state, case.quote_accepted) == ("on_site", True)
    assert "complete" in case.allowed_commands()


def test_an_unreachable_resident_leaves_the_callback_due_and_an_unsatisfied_one_reopens() -> None:
    clock = Clock()
    case = walked("repair", "completed", clock)
    act(case, clock, ("callback", {"outcome": "unreachable"}))
    assert case.state == "completed"
    assert "callback" in case.allowed_commands()
    act(case, clock, ("callback", {"outcome": "unsatisfied", "comment": "still dripping"}))
    assert case.state == "reopened"
    recorded = case.pending_events[-1]
    assert isinstance(recorded, CallbackRecorded)
    assert (recorded.outcome, recorded.comment) == ("unsatisfied", "still dripping")
    for step in (("dispatch", {"assignee": "eng-li"}), "sign", "arrive", "complete"):
        act(case, clock, step, actor="eng-li")
    act(case, clock, ("callback", {"outcome": "basically_satisfied"}))
    assert case.state == "closed"
    assert case.callbacks == ["unreachable", "unsatisfied", "basically_satisfied"]
    assert (case.assignees, case.dispatch_count) == (["eng-wang", "eng-li"], 2)


@pytest.mark.parametrize(
    "state", ["received", "dispatched", "signed", "on_site", "quoted", "reopened"]
)
def test_a_held_repair_resumes_in_the_state_it_was_held_in(state: str) -> None:
    clock = Clock()
    case = walked("repair", state, clock)
    act(case, clock, ("hold", {"reason": "the resident is away"}))
    held = case.pending_events[-1]
    assert isinstance(held, Held)
    assert held.reason == "the resident is away"
    assert (case.state, case.held_from, case.hold_reason) == (
        "on_hold",
        state,
        "the resident is away",
    )
    act(case, clock, "resume")
    assert isinstance(case.pending_events[-1], Resumed)
    assert (case.state, case.held_from, case.hold_reason) == (state, None, None)


@pytest.mark.parametrize("state", ["dispatched", "signed"])
def test_reassigning_a_repair_sends_it_back_to_dispatched_and_keeps_every_assignee(
    state: str,
) -> None:
    clock = Clock()
    case = walked("repair", state, clock)
    act(case, clock, ("dispatch", {"assignee": "eng-li", "team": None}))
    dispatched = case.pending_events[-1]
    assert isinstance(dispatched, Dispatched)
    assert (dispatched.assignee, dispatched.team) == ("eng-li", None)
    assert (case.state, case.assignee, case.team) == ("dispatched", "eng-li", None)
    assert (case.assignees, case.dispatch_count) == (["eng-wang", "eng-li"], 2)


def test_dispatching_again_to_an_earlier_assignee_lists_them_once() -> None:
    clock = Clock()
    case = walked("repair", "dispatched", clock)
    act(case, clock, ("dispatch", {"assignee": "eng-li"}))
    act(case, clock, ("dispatch", {"assignee": "eng-wang"}))
    assert (case.assignee, case.assignees, case.dispatch_count) == (
        "eng-wang",
        ["eng-wang", "eng-li"],
        3,
    )
