"""When a fact happened and why it is entered late: recorded with the fact, or refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from support.case_aggregates import Clock, received, refusal, walked
from workflow.backdating import Backdating
from workflow.errors import InvalidInput, InvalidTime, LateEntryRefused

DESK = Backdating(tolerance=timedelta(minutes=15), limit=timedelta(hours=6))
HOUR = timedelta(hours=1)


def test_a_fact_on_time_has_no_late_reason() -> None:
    clock = Clock()
    case = walked("repair", "dispatched", clock)
    stamp = clock.stamp(backdating=DESK)
    case.sign(stamp)
    signed = case.pending_events[-1]
    assert (signed.occurred_at, signed.timestamp, signed.late_reason) == (
        stamp.now,
        stamp.now,
        None,
    )
    assert not signed.late


def test_a_fact_dated_within_the_tolerance_needs_no_reason_but_keeps_one_given() -> None:
    clock = Clock()
    case = walked("repair", "dispatched", clock)
    case.sign(clock.stamp(minutes=60, ago=timedelta(minutes=10), backdating=DESK))
    assert case.pending_events[-1].late_reason is None
    case.arrive(clock.stamp(ago=timedelta(minutes=1), late_reason="typed after the call"))
    arrived = case.pending_events[-1]
    assert (arrived.late_reason, arrived.late) == ("typed after the call", True)


def test_a_fact_dated_beyond_the_tolerance_is_recorded_when_it_happened_with_its_reason() -> None:
    clock = Clock()
    case = walked("repair", "dispatched", clock)
    stamp = clock.stamp(minutes=240, ago=3 * HOUR, late_reason="no signal", backdating=DESK)
    case.sign(stamp)
    signed = case.pending_events[-1]
    assert (signed.occurred_at, signed.timestamp) == (stamp.now - 3 * HOUR, stamp.now)
    assert (signed.late_reason, signed.late) == ("no signal", True)
    assert case.last_occurred_at == signed.occurred_at


def test_a_fact_dated_beyond_the_tolerance_without_a_reason_is_refused() -> None:
    clock = Clock()
    case = walked("repair", "dispatched", clock)
    error = refusal(case, "sign", clock.stamp(minutes=240, ago=3 * HOUR, backdating=DESK))
    assert isinstance(error, InvalidInput)
    assert error.field == "late_reason"
    assert "3h before it is recorded, more than the 15m allowed" in error.problem


def test_a_fact_dated_beyond_the_limit_is_refused_whatever_the_reason() -> None:
    clock = Clock()
    case = walked("repair", "dispatched", clock)
    stamp = clock.stamp(minutes=600, ago=7 * HOUR, late_reason="forgot", backdating=DESK)
    error = refusal(case, "sign", stamp)
    assert isinstance(error, LateEntryRefused)
    assert (error.field, error.late_by, error.limit) == ("at", 7 * HOUR, DESK.limit)


def test_a_fact_cannot_be_dated_before_the_case_s_previous_fact() -> None:
    clock = Clock()
    case = walked("repair", "dispatched", clock)
    error = refusal(case, "sign", clock.stamp(ago=timedelta(minutes=6), late_reason="late"))
    assert isinstance(error, InvalidTime)
    assert "earlier than the case's previous event" in error.problem


def test_a_fact_cannot_be_dated_in_the_future() -> None:
    clock = Clock()
    case = walked("repair", "dispatched", clock)
    error = refusal(case, "sign", clock.stamp(ago=-HOUR))
    assert isinstance(error, InvalidTime)
    assert "is in the future" in error.problem


def test_an_undated_fact_from_a_clock_behind_the_last_one_follows_it() -> None:
    clock = Clock()
    case = walked("repair", "dispatched", clock)
    behind = clock.stamp(minutes=-60)
    case.sign(behind)
    signed = case.pending_events[-1]
    assert signed.occurred_at == case.pending_events[-2].occurred_at
    assert signed.timestamp == behind.now


def test_a_late_reason_is_checked_like_any_other_text() -> None:
    clock = Clock()
    case = walked("repair", "dispatched", clock)
    stamp = clock.stamp(minutes=240, ago=3 * HOUR, late_reason="a\nb", backdating=DESK)
    error = refusal(case, "sign", stamp)
    assert isinstance(error, InvalidInput)
    assert error.field == "late_reason"


def test_a_request_received_late_carries_its_reason_and_one_too_late_is_refused() -> None:
    clock = Clock()
    case = received(
        "repair", clock, ago=2 * HOUR, late_reason="written on paper first", backdating=DESK
    )
    (event,) = case.pending_events
    assert (event.occurred_at, case.received_at) == (clock.now - 2 * HOUR, clock.now - 2 * HOUR)
    assert (event.late_reason, event.late) == ("written on paper first", True)
    with pytest.raises(InvalidInput, match="late_reason: required"):
        received("repair", clock, ago=2 * HOUR, backdating=DESK)
