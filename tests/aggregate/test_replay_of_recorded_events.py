"""Replaying a case's events into a fresh aggregate rebuilds the same case, at every step."""

from __future__ import annotations

import pytest

from support.case_aggregates import ARGUMENTS, PATHS, Clock, act, received, replayed
from workflow.case import Case

# The longest written path of each kind, with a hold, a reply or an inspection on the way.
LONG_PATHS = {
    "repair": ["hold", "resume", *PATHS["repair"]["reopened"], "dispatch", "handover"],
    "complaint": ["reply", "hold", "reply", "resume", *PATHS["complaint"]["reopened"]],
    "renovation": ["hold", "resume", "approve", "inspect", *PATHS["renovation"]["rework"][1:]],
}


@pytest.mark.parametrize("kind", LONG_PATHS)
def test_replaying_the_recorded_events_rebuilds_an_equal_case_after_each_one(kind: str) -> None:
    clock = Clock()
    case = received(kind, clock)
    states = [case.state]
    for step in LONG_PATHS[kind]:
        act(case, clock, step)
        states.append(case.state)
    events = case.collect_events()
    assert len(events) == len(LONG_PATHS[kind]) + 1
    assert case.pending_events == []
    for count in range(1, len(events) + 1):
        assert replayed(events[:count]).state == states[count - 1]
    rebuilt = replayed(events)
    assert rebuilt == case
    assert rebuilt.version == len(events)
    assert rebuilt.pending_events == []


def test_a_replayed_case_takes_further_commands_like_the_original() -> None:
    clock = Clock()
    case = received("repair", clock)
    for step in PATHS["repair"]["on_site"]:
        act(case, clock, step)
    rebuilt = replayed(case.collect_events())
    later = Clock(clock.now)
    act(case, clock, "complete")
    act(rebuilt, later, "complete")
    assert rebuilt == case
    assert rebuilt.pending_events[0].originator_version == 5


def test_a_snapshot_of_a_case_restores_an_equal_case() -> None:
    clock = Clock()
    case = received("renovation", clock)
    for step in PATHS["renovation"]["acceptance_requested"]:
        act(case, clock, step)
    case.collect_events()
    snapshot = Case.Snapshot.take(case)
    restored = snapshot.mutate(None)
    assert restored == case
    assert (restored.state, restored.permit_no, restored.version) == (
        "acceptance_requested",
        ARGUMENTS["approve"]["permit_no"],
        3,
    )
