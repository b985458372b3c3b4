"""催办: a resident chasing an open case is recorded with what they said, counted, and
changes nothing else; an ended case cannot be chased, and an urge must say something."""

from __future__ import annotations

import pytest

from support.case_aggregates import PATHS, Clock, act, refusal, replayed, walked
from workflow.case import Case
from workflow.errors import InvalidInput, InvalidTransition
from workflow.events import Urged

OPEN = [
    (kind, state)
    for kind, paths in PATHS.items()
    for state in paths
    if state not in ("closed", "cancelled", "rejected", "invalid")
]
ENDED = [
    (kind, state)
    for kind, paths in PATHS.items()
    for state in paths
    if state in ("closed", "cancelled", "rejected", "invalid")
]


@pytest.mark.parametrize(("kind", "state"), OPEN)
def test_an_urge_on_an_open_case_records_what_the_resident_said_and_leaves_the_state(
    kind: str, state: str
) -> None:
    clock = Clock()
    case = walked(kind, state, clock)
    allowed, assignee, owner = case.allowed_commands(), case.assignee, case.owner
    act(case, clock, ("urge", {"note": "  住户第二次来电催促 "}), actor="desk-li")
    urged = case.pending_events[-1]
    assert isinstance(urged, Urged)
    assert (urged.note, urged.actor, urged.occurred_at) == (
        "住户第二次来电催促",
        "desk-li",
        clock.now,
    )
    assert (case.state, case.allowed_commands(), case.urges) == (state, allowed, 1)
    assert (case.assignee, case.owner, case.ended_at) == (assignee, owner, None)


def test_each_urge_is_counted_and_a_replay_counts_the_same() -> None:
    clock = Clock()
    case = walked("repair", "dispatched", clock)
    assert case.urges == 0
    for said in ("第一次催促", "第二次催促", "住户很生气"):
        act(case, clock, ("urge", {"note": said}))
    assert case.urges == 3
    again = replayed(case.collect_events())
    assert (again.urges, again.state, again.version) == (3, "dispatched", case.version)


@pytest.mark.parametrize(("kind", "state"), ENDED)
def test_an_ended_case_cannot_be_urged(kind: str, state: str) -> None:
    clock = Clock()
    case = walked(kind, state, clock)
    error = refusal(case, "urge", clock.stamp(), note="住户催促")
    assert isinstance(error, InvalidTransition)
    assert str(error) == (
        f"cannot urge {kind} in state '{state}'; allowed: none (the case has ended)"
    )


@pytest.mark.parametrize(
    ("said", "problem"),
    [
        ("", "must not be empty"),
        ("  \n ", "must not be empty"),
        ("催" * 4001, "is 4001 characters long; at most 4000 allowed"),
        (None, "must not be empty"),
    ],
)
def test_an_urge_that_says_nothing_or_too_much_is_refused_and_records_nothing(
    said: str | None, problem: str
) -> None:
    clock = Clock()
    case = walked("complaint", "received", clock)
    error = refusal(case, "urge", clock.stamp(), note=said)
    assert isinstance(error, InvalidInput)
    assert str(error) == f"note: {problem}"
    assert case.urges == 0


def test_an_urge_may_span_lines_as_the_residents_words_do() -> None:
    clock = Clock()
    case = walked("renovation", "approved", clock)
    act(case, clock, ("urge", {"note": "住户来电:\n\t已等三天"}))
    assert case.pending_events[-1].note == "住户来电:\n\t已等三天"


def test_a_snapshot_taken_before_urges_were_recorded_loads_with_none() -> None:
    clock = Clock()
    case = walked("repair", "on_site", clock)
    snapshot = Case.Snapshot.take(case)
    assert snapshot.state.pop("class_version") == 5
    del snapshot.state["urges"]  # as a snapshot of version 1 holds it
    del snapshot.state["community"]
    del snapshot.state["claimed_by"]
    del snapshot.state["claimed_at"]
    del snapshot.state["reporter_erased_at"]
    loaded = snapshot.mutate(None)
    assert isinstance(loaded, Case)
    assert (loaded.urges, loaded.state, loaded.version) == (0, "on_site", case.version)
    assert loaded.community == "default"
    assert loaded.reporter_erased_at is None
    act(loaded, clock, "urge")
    assert loaded.urges == 1
