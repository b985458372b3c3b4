"""更正: an open case's location, category and description are corrected with a reason,
the old and the new value recorded; nothing else changes, an unchanged field is not a
correction, a category must be the kind's, and an ended case cannot be corrected."""

from __future__ import annotations

import pytest

from support.case_aggregates import PATHS, Clock, act, refusal, replayed, walked
from workflow.case import Case
from workflow.errors import DomainError, InvalidInput, InvalidTransition
from workflow.events import Amended
from workflow.lifecycles import TERMINAL
from workflow.vocabulary import CATEGORIES, Kind

OPEN = [(kind, state) for kind, paths in PATHS.items() for state in paths if state not in TERMINAL]
ENDED = [(kind, state) for kind, paths in PATHS.items() for state in paths if state in TERMINAL]


def refused(case: Case, clock: Clock, **arguments: str) -> DomainError:
    return refusal(case, "amend", clock.stamp(), **arguments)


def other_category(case: Case) -> str:
    return next(c for c in CATEGORIES[Kind(case.kind)] if c != case.category)


@pytest.mark.parametrize(("kind", "state"), OPEN)
def test_a_correction_of_an_open_case_records_old_and_new_and_leaves_the_rest(
    kind: str, state: str
) -> None:
    clock = Clock()
    case = walked(kind, state, clock)
    allowed, owner, priority = case.allowed_commands(), case.owner, case.priority
    old_location, old_description = case.location, case.description
    fields = {"location": "9-1-901", "description": "  the kitchen tap, not the bathroom's "}
    act(case, clock, ("amend", {**fields, "reason": "wrong unit taken down"}), actor="desk-li")
    amended = case.pending_events[-1]
    assert isinstance(amended, Amended)
    assert (amended.location, amended.previous_location) == ("9-1-901", old_location)
    assert amended.description == "the kitchen tap, not the bathroom's"
    assert amended.previous_description == old_description
    assert (amended.category, amended.previous_category) == (None, None)
    assert (amended.reason, amended.actor) == ("wrong unit taken down", "desk-li")
    assert (case.location, case.area, case.description) == (
        "9-1-901",
        "in_home",
        "the kitchen tap, not the bathroom's",
    )
    assert (case.state, case.allowed_commands()) == (state, allowed)
    assert (case.owner, case.priority) == (owner, priority)


@pytest.mark.parametrize("kind", sorted(PATHS))
def test_a_category_is_corrected_to_one_of_the_kinds_own(kind: str) -> None:
    clock = Clock()
    case = walked(kind, "received", clock)
    other = other_category(case)
    act(case, clock, ("amend", {"category": other, "reason": "filed wrongly"}))
    assert case.category == other
    error = refused(case, clock, category="laundry", reason="x")
    assert isinstance(error, InvalidInput)
    assert error.field == "category"
    assert other in str(error)  # the allowed ones are listed


def test_a_field_sent_as_it_stands_is_not_a_correction() -> None:
    clock = Clock()
    case = walked("repair", "dispatched", clock)
    assert case.category != "gas"
    as_it_stands = {"location": case.location, "category": case.category}
    act(case, clock, ("amend", {**as_it_stands, "category": "gas", "reason": "was gas"}))
    amended = case.pending_events[-1]
    assert isinstance(amended, Amended)
    assert (amended.location, amended.previous_location) == (None, None)
    assert amended.category == "gas"
    version = case.version
    error = refused(case, clock, category="gas", reason="again")
    assert isinstance(error, InvalidInput)
    assert (error.field, "nothing to correct" in str(error)) == ("category", True)
    nothing = refused(case, clock, reason="no field")
    assert isinstance(nothing, InvalidInput)
    assert "give a location, category or description" in str(nothing)
    assert case.version == version  # refused: nothing recorded


def test_a_reason_is_required_and_a_location_follows_the_intake_rule() -> None:
    clock = Clock()
    case = walked("repair", "received", clock)
    blank = refused(case, clock, location="9-1-901", reason="  ")
    assert isinstance(blank, InvalidInput)
    assert blank.field == "reason"
    phone = refused(case, clock, location="13900000001", reason="x")
    assert isinstance(phone, InvalidInput)
    assert phone.field == "location"


def test_a_replay_of_corrections_gives_the_same_case() -> None:
    clock = Clock()
    case = walked("complaint", "dispatched", clock)
    other = other_category(case)
    act(case, clock, ("amend", {"category": other, "reason": "first"}))
    act(case, clock, ("amend", {"location": "2-1-201", "reason": "second"}))
    again = replayed(case.collect_events())
    assert (again.category, again.location, again.area) == (other, "2-1-201", "in_home")
    assert (again.state, again.version) == ("dispatched", case.version)


@pytest.mark.parametrize(("kind", "state"), ENDED)
def test_an_ended_case_cannot_be_corrected(kind: str, state: str) -> None:
    clock = Clock()
    case = walked(kind, state, clock)
    error = refused(case, clock, location="9-1-901", reason="too late")
    assert isinstance(error, InvalidTransition)
