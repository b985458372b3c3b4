"""当场解决: a repair or complaint settled by whoever took it, straight from `received` to
`completed` with no one dispatched; the callback still follows."""

from __future__ import annotations

import pytest

from support.case_aggregates import Clock, act, refusal, replayed, walked
from workflow.errors import InvalidInput, InvalidTransition
from workflow.events import ResolvedAtFirstContact


@pytest.mark.parametrize("kind", ["repair", "complaint"])
def test_a_received_case_resolved_at_first_contact_is_completed_and_awaits_its_callback(
    kind: str,
) -> None:
    clock = Clock()
    case = walked(kind, "received", clock)
    act(case, clock, ("resolve", {"resolution": " reset the breaker "}), actor="desk-zhang")
    resolved = case.pending_events[-1]
    assert isinstance(resolved, ResolvedAtFirstContact)
    assert (resolved.resolution, resolved.actor) == ("reset the breaker", "desk-zhang")
    assert (case.state, case.resolution, case.completed_at) == (
        "completed",
        "reset the breaker",
        resolved.occurred_at,
    )
    assert (case.assignee, case.dispatch_count, case.owner, case.ended_at) == (
        None,
        0,
        "desk-zhang",
        None,
    )
    assert case.allowed_commands() == ("callback", "handover", "amend", "cancel", "urge")
    act(case, clock, ("callback", {"outcome": "satisfied"}))
    assert (case.state, case.ended_at) == ("closed", clock.now)
    again = replayed(case.collect_events())
    assert (again.state, again.resolution, again.version) == ("closed", "reset the breaker", 3)


def test_an_unsatisfied_resident_reopens_a_resolved_repair_for_a_worker() -> None:
    clock = Clock()
    case = walked("repair", "received", clock)
    act(case, clock, "resolve")
    act(case, clock, ("callback", {"outcome": "unsatisfied"}))
    assert case.state == "reopened"
    act(case, clock, ("dispatch", {"assignee": "eng-wang"}))
    assert (case.state, case.assignee) == ("dispatched", "eng-wang")


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        ("repair", "dispatched"),
        ("repair", "on_hold"),
        ("repair", "completed"),
        ("repair", "reopened"),
        ("complaint", "dispatched"),
        ("complaint", "on_hold"),
        ("renovation", "received"),
    ],
)
def test_only_a_received_repair_or_complaint_can_be_resolved_at_first_contact(
    kind: str, state: str
) -> None:
    clock = Clock()
    case = walked(kind, state, clock)
    error = refusal(case, "resolve", clock.stamp(), resolution="reset the breaker")
    assert isinstance(error, InvalidTransition)
    assert str(error).startswith(f"cannot resolve {kind} in state '{state}'; allowed: ")
    assert "resolve" not in error.allowed


@pytest.mark.parametrize("said", ["", " \n ", "解" * 4001])
def test_a_resolution_that_says_nothing_or_too_much_is_refused(said: str) -> None:
    clock = Clock()
    case = walked("complaint", "received", clock)
    error = refusal(case, "resolve", clock.stamp(), resolution=said)
    assert isinstance(error, InvalidInput)
    assert error.field == "resolution"
