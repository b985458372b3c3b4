"""How a case ends: cancelled from any open state, closed by a callback, invalid or
rejected; each end records when and why, and leaves no command to send."""

from __future__ import annotations

import pytest

from support.case_aggregates import Clock, act, walked
from workflow.events import Cancelled


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        ("repair", "received"),
        ("repair", "on_site"),
        ("repair", "on_hold"),
        ("repair", "completed"),
        ("complaint", "dispatched"),
        ("complaint", "reopened"),
        ("renovation", "approved"),
        ("renovation", "accepted"),
        ("renovation", "rework"),
    ],
)
def test_an_open_case_cancelled_ends_with_its_reason(kind: str, state: str) -> None:
    clock = Clock()
    case = walked(kind, state, clock)
    act(case, clock, ("cancel", {"reason": "the resident withdrew"}))
    cancelled = case.pending_events[-1]
    assert isinstance(cancelled, Cancelled)
    assert cancelled.reason == "the resident withdrew"
    assert (case.state, case.end_reason, case.ended_at) == (
        "cancelled",
        "the resident withdrew",
        cancelled.occurred_at,
    )
    assert not case.is_open
    assert case.allowed_commands() == ()


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        ("repair", "closed"),
        ("repair", "cancelled"),
        ("complaint", "closed"),
        ("complaint", "invalid"),
        ("complaint", "cancelled"),
        ("renovation", "closed"),
        ("renovation", "rejected"),
        ("renovation", "cancelled"),
    ],
)
def test_an_ended_case_is_not_open_and_records_when_it_ended(kind: str, state: str) -> None:
    case = walked(kind, state)
    assert not case.is_open
    assert case.ended_at == case.last_occurred_at
    assert case.allowed_commands() == ()


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        ("repair", "completed"),
        ("repair", "reopened"),
        ("complaint", "on_hold"),
        ("renovation", "accepted"),
        ("renovation", "rework"),
    ],
)
def test_a_case_still_at_work_or_waiting_for_its_callback_is_open(kind: str, state: str) -> None:
    case = walked(kind, state)
    assert case.is_open
    assert case.ended_at is None
    assert case.allowed_commands() != ()
