"""认领: a case received unowned (a self-service request) is owned by the first staff member
who claims it or acts on it, recorded as a Claimed event of its own; an owned case cannot
be claimed, and the claim replays."""

from __future__ import annotations

from datetime import timedelta

import pytest

from support.case_aggregates import ARGUMENTS, PATHS, Clock, act, received, refusal, replayed
from support.case_aggregates import walked as walked_owned
from workflow.case import CLAIM_FREE, Case
from workflow.errors import AlreadyOwned, InvalidInput
from workflow.events import Claimed, HandedOver
from workflow.lifecycles import lifecycle

KINDS = list(PATHS)
# Each command intake's state allows, but `claim` and an urge, per kind.
ACTING = [
    (kind, command)
    for kind in KINDS
    for command in lifecycle(kind).allowed("received")
    if command not in CLAIM_FREE
]
STATES = [(kind, state) for kind, paths in PATHS.items() for state in paths]


def unowned(kind: str, clock: Clock) -> Case:
    return received(kind, clock, received_by=None, actor="wechat-mini")


@pytest.mark.parametrize("kind", KINDS)
def test_a_self_service_request_is_received_unowned_and_may_be_claimed(kind: str) -> None:
    case = unowned(kind, Clock())
    assert (case.received_by, case.owner, case.claimed_by, case.claimed_at) == (
        None,
        None,
        None,
        None,
    )
    assert case.state == "received"
    assert "claim" in case.allowed_commands()


@pytest.mark.parametrize("kind", KINDS)
def test_the_claimer_becomes_the_first_contact_owner_by_an_event_of_its_own(kind: str) -> None:
    clock = Clock()
    case = unowned(kind, clock)
    act(case, clock, "claim", actor="desk-li")
    claimed = case.pending_events[-1]
    assert isinstance(claimed, Claimed)
    assert (claimed.actor, claimed.occurred_at, claimed.note) == ("desk-li", clock.now, "")
    assert (case.owner, case.claimed_by, case.claimed_at) == ("desk-li", "desk-li", clock.now)
    assert (case.received_by, case.state, case.version) == (None, "received", 2)
    assert "claim" not in case.allowed_commands()


@pytest.mark.parametrize(("kind", "state"), STATES)
def test_an_owned_case_cannot_be_claimed_and_the_refusal_names_its_owner(
    kind: str, state: str
) -> None:
    clock = Clock()
    case = walked_owned(kind, state, clock)
    error = refusal(case, "claim", clock.stamp("desk-li"))
    assert isinstance(error, AlreadyOwned)
    assert (error.owner, error.state, error.allowed) == (
        "desk-zhang",
        state,
        case.allowed_commands(),
    )
    assert "'desk-zhang' owns it already (首问人)" in str(error)


def test_a_claimed_case_claimed_again_names_whoever_claimed_it_first() -> None:
    clock = Clock()
    case = unowned("repair", clock)
    act(case, clock, "claim", actor="desk-li")
    error = refusal(case, "claim", clock.stamp("desk-wang"))
    assert isinstance(error, AlreadyOwned)
    assert error.owner == "desk-li"
    assert str(error) == (
        "cannot claim repair in state 'received'; allowed: dispatch, hold, resolve, handover, "
        "amend, cancel, urge; 'desk-li' owns it already (首问人): only a case received unowned "
        "may be claimed, and only a handover moves ownership"
    )


@pytest.mark.parametrize(("kind", "command"), ACTING)
def test_any_other_command_on_an_unowned_case_records_the_claim_first_in_the_same_change(
    kind: str, command: str
) -> None:
    clock = Clock()
    case = unowned(kind, clock)
    act(case, clock, command, actor="desk-zhou")
    claimed, done = case.pending_events[1:]
    assert isinstance(claimed, Claimed), command
    assert type(done) is not Claimed
    assert (claimed.actor, done.actor) == ("desk-zhou", "desk-zhou")
    assert claimed.occurred_at == done.occurred_at == clock.now
    assert (claimed.originator_version, done.originator_version) == (2, 3)
    assert case.claimed_by == "desk-zhou"
    if isinstance(done, HandedOver):  # claimed, then handed over by the claimer
        assert (done.previous_owner, case.owner) == ("desk-zhou", ARGUMENTS["handover"]["to"])
    else:
        assert case.owner == "desk-zhou"


def test_a_late_entry_on_an_unowned_case_dates_its_claim_with_it_and_gives_the_same_reason() -> (
    None
):
    clock = Clock()
    case = unowned("repair", clock)
    stamp = clock.stamp("desk-li", ago=timedelta(minutes=3), late_reason="written up after")
    case.dispatch(stamp, assignee="eng-wang")
    claimed, dispatched = case.pending_events[1:]
    assert claimed.occurred_at == dispatched.occurred_at == clock.now - timedelta(minutes=3)
    assert claimed.late_reason == dispatched.late_reason == "written up after"


def test_an_urge_on_an_unowned_case_leaves_it_unclaimed() -> None:
    clock = Clock()
    case = unowned("complaint", clock)
    act(case, clock, "urge", actor="wechat-mini")
    assert [type(e).__name__ for e in case.pending_events] == ["Received", "Urged"]
    assert (case.owner, case.urges, "claim" in case.allowed_commands()) == (None, 1, True)


def test_a_refused_command_on_an_unowned_case_records_no_claim_either() -> None:
    clock = Clock()
    case = unowned("repair", clock)
    error = refusal(case, "dispatch", clock.stamp("desk-li"), assignee="")
    assert isinstance(error, InvalidInput)
    error = refusal(case, "handover", clock.stamp("desk-li"), to="desk-li", reason="shift")
    assert str(error) == "to: 'desk-li' already owns the case; hand over to another"
    assert (case.owner, len(case.pending_events)) == (None, 1)


def test_a_claimed_case_replays_to_the_same_case_from_its_events() -> None:
    clock = Clock()
    case = unowned("repair", clock)
    act(case, clock, "dispatch", actor="desk-li")
    act(case, clock, "urge", actor="wechat-mini")
    act(case, clock, ("handover", {"to": "desk-wang", "reason": "shift change"}), "desk-li")
    rebuilt = replayed(case.collect_events())
    assert vars(rebuilt) == vars(case)
    assert (rebuilt.received_by, rebuilt.claimed_by, rebuilt.owner) == (
        None,
        "desk-li",
        "desk-wang",
    )
