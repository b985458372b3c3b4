"""One table per transition: every event's next state comes from the lifecycle table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import pytest

from projections.casefile import CaseFile, evolve, open_case_file
from projections.facts import fact_of
from projections.policy import load_policy
from support.domain_matrix import EXPECTED
from support.driver import paths_to_states, replay, request_for, run, variants
from workflow.events import CASE_EVENTS, CaseEvent, Received
from workflow.lifecycles import CHOICES, LIFECYCLES, TRIGGER_OF_EVENT, lifecycle, next_state
from workflow.service import CaseService
from workflow.vocabulary import Kind

KINDS = [kind.value for kind in Kind]
POLICY = load_policy()


def test_every_event_but_intake_has_a_trigger_and_every_command_an_event() -> None:
    assert set(TRIGGER_OF_EVENT) == set(CASE_EVENTS) - {Received}
    commands = {command for lc in LIFECYCLES.values() for command in lc.commands}
    assert sorted(TRIGGER_OF_EVENT.values()) == sorted(commands)


@pytest.mark.parametrize("kind", KINDS)
def test_where_a_state_has_several_destinations_for_a_command_a_rule_chooses(kind: str) -> None:
    lc = lifecycle(kind)
    for state in lc.states:
        for command in lc.allowed(state):
            if len(set(lc.destinations(state, command))) > 1:
                assert command in CHOICES, f"{kind}: {command} from {state} has no rule"


# Written from the domain, not read from the table: 回访 closes on a satisfied or
# basically satisfied resident, reopens (返修) on an unsatisfied one, and waits otherwise.
CALLBACK = {
    "satisfied": "closed",
    "basically_satisfied": "closed",
    "unsatisfied": "reopened",
    "unreachable": "completed",
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("outcome", "expected"), CALLBACK.items())
def test_a_callback_leads_where_its_outcome_says_and_the_table_allows(
    kind: str, outcome: str, expected: str
) -> None:
    after = next_state(kind, "completed", "callback", {"outcome": outcome})
    assert after == expected
    assert after in lifecycle(kind).destinations("completed", "callback")


@pytest.mark.parametrize("kind", KINDS)
def test_resuming_returns_to_the_state_the_hold_interrupted(kind: str) -> None:
    lc = lifecycle(kind)
    held_from = [s for s in lc.states if "hold" in lc.allowed(s)]
    assert held_from
    for state in held_from:
        after = next_state(kind, "on_hold", "resume", {}, held_from=state)
        assert after == state
        assert after in lc.destinations("on_hold", "resume")


@pytest.mark.parametrize(
    ("kind", "state", "expected"),
    [
        ("renovation", "received", "dispatched"),
        ("renovation", "dispatched", "dispatched"),
        ("renovation", "reopened", "rework"),
        ("renovation", "rework", "rework"),
        ("repair", "reopened", "dispatched"),
        ("repair", "signed", "dispatched"),
        ("complaint", "reopened", "dispatched"),
    ],
)
def test_a_renovation_dispatched_after_an_unsatisfied_callback_goes_to_rework(
    kind: str, state: str, expected: str
) -> None:
    assert next_state(kind, state, "dispatch", {"assignee": "eng-wang"}) == expected


def test_an_internal_command_leaves_the_state_as_it_is() -> None:
    assert next_state("repair", "signed", "handover", {"to": "desk-li"}) == "signed"
    assert next_state("renovation", "approved", "inspect", {}) == "approved"


def test_a_stored_event_off_the_table_still_applies_to_its_declared_destination() -> None:
    # A history recorded under an older table: applying it never fails.
    assert next_state("repair", "closed", "sign", {}) == "signed"
    assert next_state("renovation", "approved", "dispatch", {}) == "dispatched"


def case_file_of(events: Iterable[Any]) -> CaseFile:
    facts = [fact_of(cast(CaseEvent, event), at) for at, event in enumerate(events)]
    file = open_case_file(facts[0], POLICY)
    for fact in facts[1:]:
        evolve(file, fact, POLICY, POLICY.new_calendar())
    return file


@pytest.mark.parametrize("kind", KINDS)
def test_every_transition_records_its_event_and_both_sides_reach_the_same_state(
    kind: str,
) -> None:
    """Each allowed command from each state, with each variant that decides where it leads:
    its event is the one paired with its trigger, and the read side's case file, evolved
    from the case's events, agrees with the aggregate."""
    app = CaseService({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    reached: set[str] = set()
    for state, path in paths_to_states(app, kind).items():
        for command in lifecycle(kind).allowed(state):
            request = request_for(command)
            case_id = replay(app, kind, path, **request)
            for args in variants(app, case_id, command):
                probe = replay(app, kind, path, **request)
                (event,) = run(app, probe, command, args).events
                assert TRIGGER_OF_EVENT[type(event)] == command, (state, command)
                case = app.get(probe)
                # Both sides take the state from next_state; the domain says where it leads.
                assert case.state in EXPECTED[kind][state][command], (state, command, args)
                file = case_file_of(app.repository.event_store.get(probe))
                assert (file.state, file.held_from, file.owner, file.assignee, file.ended_at) == (
                    case.state,
                    case.held_from,
                    case.owner,
                    case.assignee,
                    case.ended_at,
                ), (state, command, args)
                reached.add(case.state)
    assert reached == set(lifecycle(kind).states)
