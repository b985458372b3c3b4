"""Refused commands: a typed error that says what was wrong and what is allowed, and
nothing recorded: no event, no change to the case."""

from __future__ import annotations

from typing import Any

import pytest

from support.case_aggregates import ARGUMENTS, PATHS, Clock, refusal, walked
from workflow.errors import InvalidInput, InvalidTransition

STATES = [(kind, state) for kind, paths in PATHS.items() for state in paths]


@pytest.mark.parametrize(("kind", "state"), STATES, ids=[f"{k}-{s}" for k, s in STATES])
def test_every_command_a_state_does_not_allow_is_refused_by_name_and_records_nothing(
    kind: str, state: str
) -> None:
    clock = Clock()
    case = walked(kind, state, clock)
    allowed = case.allowed_commands()
    # Every state allows an erasure of the reporter's record; these cases name no reporter,
    # which refuses it otherwise (tests/aggregate/test_reporter_erasure_on_the_aggregate.py).
    refused = [c for c in ARGUMENTS if c not in allowed and c != "erase_reporter"]
    assert refused, f"{kind} in {state} allows every command"
    for command in refused:
        error = refusal(case, command, clock.stamp(), **ARGUMENTS[command])
        assert isinstance(error, InvalidTransition), f"{command}: {error!r}"
        assert (error.kind, error.state, error.command, error.allowed) == (
            kind,
            state,
            command,
            allowed,
        )
        assert str(error).startswith(f"cannot {command} {kind} in state '{state}'; allowed: ")


def test_a_signed_repair_cannot_be_completed_before_the_engineer_arrives() -> None:
    clock = Clock()
    case = walked("repair", "signed", clock)
    error = refusal(case, "complete", clock.stamp(), resolution="fixed")
    assert str(error) == (
        "cannot complete repair in state 'signed'; "
        "allowed: dispatch, arrive, hold, handover, amend, cancel, urge"
    )


def test_an_ended_case_says_that_no_command_is_left() -> None:
    clock = Clock()
    case = walked("complaint", "invalid", clock)
    error = refusal(case, "reply", clock.stamp(), message="sorry")
    assert str(error) == (
        "cannot reply complaint in state 'invalid'; allowed: none (the case has ended)"
    )


@pytest.mark.parametrize(
    ("command", "arguments"),
    [
        ("hold", {"reason": ""}),
        ("complete", {"resolution": ""}),
        ("cancel", {"reason": ""}),
        ("handover", {"to": "desk-zhang", "reason": ""}),
        ("callback", {"outcome": "delighted"}),
        ("dispatch", {"assignee": ""}),
    ],
)
def test_the_state_is_judged_before_the_fields(command: str, arguments: dict[str, Any]) -> None:
    clock = Clock()
    case = walked("repair", "closed", clock)
    error = refusal(case, command, clock.stamp(), **arguments)
    assert isinstance(error, InvalidTransition)


@pytest.mark.parametrize(
    ("kind", "state", "command", "arguments", "field", "problem"),
    [
        ("repair", "dispatched", "dispatch", {"assignee": "eng-wang"}, "assignee", "already"),
        ("renovation", "rework", "dispatch", {"assignee": "eng-wang"}, "assignee", "already"),
        ("repair", "on_site", "quote", {"amount": "0"}, "amount", "above 0"),
        ("repair", "on_site", "quote", {"amount": "eighty"}, "amount", "not an amount"),
        ("repair", "on_site", "quote", {"amount": "80.005"}, "amount", "two decimal places"),
        ("repair", "on_site", "complete", {"resolution": "  "}, "resolution", "not be empty"),
        ("repair", "received", "hold", {"reason": "x" * 201}, "reason", "at most 200"),
        ("repair", "completed", "callback", {"outcome": "happy"}, "outcome", "allowed: sat"),
        ("complaint", "dispatched", "reply", {"message": "a\u200bb"}, "message", "U+200B"),
        (
            "complaint",
            "received",
            "invalidate",
            {"reason": "no", "explanation": ""},
            "explanation",
            "not be empty",
        ),
        (
            "renovation",
            "received",
            "approve",
            {"permit_no": "ZX-1", "deposit": "-1", "fee": "300"},
            "deposit",
            "at least 0",
        ),
        ("renovation", "received", "reject", {"reasons": ""}, "reasons", "not be empty"),
        ("repair", "received", "handover", {"to": "desk-zhang", "reason": "x"}, "to", "owns"),
        ("repair", "received", "dispatch", {"assignee": "eng wang"}, "assignee", "a staff name"),
    ],
)
def test_a_bad_field_is_refused_with_its_name_and_what_is_allowed(
    kind: str, state: str, command: str, arguments: dict[str, Any], field: str, problem: str
) -> None:
    clock = Clock()
    case = walked(kind, state, clock)
    error = refusal(case, command, clock.stamp(), **arguments)
    assert isinstance(error, InvalidInput)
    assert error.field == field
    assert problem in error.problem, error.problem


def test_a_note_is_checked_like_any_other_text() -> None:
    clock = Clock()
    case = walked("repair", "received", clock)
    error = refusal(case, "sign", clock.stamp(note="x"), **ARGUMENTS["sign"])
    assert isinstance(error, InvalidTransition)  # the state first
    error = refusal(case, "dispatch", clock.stamp(note="a\u202eb"), assignee="eng-li")
    assert isinstance(error, InvalidInput)
    assert error.field == "note"
