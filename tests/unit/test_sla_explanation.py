"""The SLA explanation of a case's milestones: the minutes counted day by day, why the rest
was left out (night, weekend, a named holiday, a make-up working day counted), the holds
subtracted, and a total that is the clock's own elapsed time.

Cases are told as the read side reads them (facts, oldest first) under the shipped default
policy: a normal repair's dispatch (30 min) and completion (9 h, paused by holds) count
business hours, 08:30-17:30 Asia/Shanghai on working days; an emergency repair's count wall
time. 2026-11-25 is a Wednesday; 2024-09-29, a Sunday, was worked in exchange for the
National Day holiday (2024-10-01 to 10-07).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from projections.calendar import SHANGHAI
from projections.counted_days import (
    AFTER_CLOSING,
    BEFORE_OPENING,
    COUNTED,
    HOLIDAY,
    MAKEUP_WORKDAY,
    WEEKEND,
    WORKING,
)
from projections.explanation import Explanation, explain
from projections.facts import Fact
from projections.policy import load_policy
from workflow.events import Arrived, Cancelled, Completed, Dispatched, Held, Received, Resumed

MINUTE = 60.0
POLICY = load_policy()


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def case(priority: str, received: str, *later: tuple[type, str]) -> list[Fact]:
    data: dict[str, Any] = {
        "community": "default", "kind": "repair", "priority": priority, "category": "plumbing",
        "location": "1-1-101", "channel": "phone", "received_by": "agent", "description": "",
        "reporter_ref": None,
    }  # fmt: skip
    facts = [Fact(1, "c1", 1, Received.TOPIC, at(received), "agent", data)]
    for version, (event, moment) in enumerate(later, start=2):
        extra = {"assignee": "w1"} if event is Dispatched else {}
        facts.append(Fact(version, "c1", version, event.TOPIC, at(moment), "agent", extra))
    return facts


def explained(facts: list[Fact], moment: str) -> dict[str, Explanation]:
    found = explain(facts, POLICY, POLICY.new_calendar(), at(moment))
    return {e.milestone: e for e in found}


def minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / MINUTE


def test_the_night_between_two_working_days_is_left_out_as_after_closing_and_before_opening() -> (
    None
):
    facts = case("normal", "2026-11-25T17:10", (Dispatched, "2026-11-26T08:50"))
    dispatch = explained(facts, "2026-11-27T12:00")["dispatch"]
    assert [d.kind for d in dispatch.days] == [WORKING, WORKING]
    assert [(s.reason, s.seconds / MINUTE) for s in dispatch.days[0].spans] == [
        (COUNTED, 20.0),
        (AFTER_CLOSING, 6 * 60 + 30.0),
    ]
    assert [(s.reason, s.seconds / MINUTE) for s in dispatch.days[1].spans] == [
        (BEFORE_OPENING, 8 * 60 + 30.0),
        (COUNTED, 20.0),
    ]
    assert minutes(dispatch.elapsed_seconds) == 40.0
    assert dispatch.status == "breached"
    assert (dispatch.start_event, dispatch.stop_event) == ("Received", "Dispatched")


def test_a_weekend_counts_nothing_and_says_so() -> None:
    facts = case("normal", "2026-11-27T17:20", (Dispatched, "2026-11-30T08:45"))
    dispatch = explained(facts, "2026-12-01T12:00")["dispatch"]
    assert [(d.kind, d.counted_seconds / MINUTE) for d in dispatch.days] == [
        (WORKING, 10.0),
        (WEEKEND, 0.0),
        (WEEKEND, 0.0),
        (WORKING, 15.0),
    ]
    assert [s.reason for s in dispatch.days[1].spans] == [WEEKEND]
    assert minutes(dispatch.elapsed_seconds) == 25.0
    assert dispatch.status == "met"


def test_the_national_day_holiday_is_named_from_the_calendar_and_counted_as_none() -> None:
    facts = case("normal", "2024-09-30T17:00", (Dispatched, "2024-10-08T08:40"))
    dispatch = explained(facts, "2024-10-09T12:00")["dispatch"]
    days = {d.day.isoformat(): d for d in dispatch.days}
    assert days["2024-09-30"].counted_seconds == 30 * MINUTE
    for day in ("2024-10-01", "2024-10-02", "2024-10-03"):
        assert (days[day].kind, days[day].holiday, days[day].counted_seconds) == (
            HOLIDAY,
            "国庆节",
            0.0,
        )
    # The days off given for the worked weekend days are holidays too, named as such.
    assert days["2024-10-04"].kind == HOLIDAY
    assert "调休" in (days["2024-10-04"].holiday or "")
    assert days["2024-10-05"].kind == WEEKEND
    assert days["2024-10-08"].counted_seconds == 10 * MINUTE
    assert minutes(dispatch.elapsed_seconds) == 40.0


def test_the_spring_festival_is_named_too() -> None:
    facts = case("normal", "2025-01-27T17:20", (Dispatched, "2025-02-05T08:40"))
    days = {d.day.isoformat(): d for d in explained(facts, "2025-02-06")["dispatch"].days}
    assert days["2025-01-29"].holiday == "春节"
    assert days["2025-01-29"].counted_seconds == 0.0


def test_a_sunday_worked_in_exchange_for_the_holiday_is_counted_as_a_working_day() -> None:
    facts = case("normal", "2024-09-28T10:00", (Dispatched, "2024-09-29T09:00"))
    dispatch = explained(facts, "2024-09-30T12:00")["dispatch"]
    assert [(d.kind, d.counted_seconds / MINUTE) for d in dispatch.days] == [
        (WEEKEND, 0.0),
        (MAKEUP_WORKDAY, 30.0),
    ]
    assert minutes(dispatch.elapsed_seconds) == 30.0
    assert dispatch.status == "met"


def test_a_hold_is_listed_with_its_span_and_subtracted_from_the_completion_alone() -> None:
    facts = case(
        "normal",
        "2026-11-25T09:00",
        (Dispatched, "2026-11-25T09:10"),
        (Held, "2026-11-25T10:00"),
        (Resumed, "2026-11-25T11:30"),
        (Arrived, "2026-11-25T12:00"),
        (Completed, "2026-11-25T13:00"),
    )
    found = explained(facts, "2026-11-26T12:00")
    completion = found["completion"]
    assert [(h.begin, h.end, h.seconds / MINUTE) for h in completion.holds] == [
        (at("2026-11-25T10:00"), at("2026-11-25T11:30"), 90.0)
    ]
    assert minutes(completion.counted_seconds) == 240.0
    assert minutes(completion.held_seconds) == 90.0
    assert minutes(completion.elapsed_seconds) == 150.0
    assert found["dispatch"].holds == ()  # its clock does not pause on hold
    assert (completion.stop_event, completion.status) == ("Completed", "met")


def test_a_clock_still_on_hold_is_paused_and_its_open_hold_counts_to_the_moment_asked() -> None:
    facts = case(
        "normal", "2026-11-25T09:00", (Dispatched, "2026-11-25T09:10"), (Held, "2026-11-25T10:00")
    )
    completion = explained(facts, "2026-11-25T12:00")["completion"]
    assert completion.status == "paused"
    assert completion.counted_until == at("2026-11-25T12:00")
    assert [(h.end, h.seconds / MINUTE) for h in completion.holds] == [(None, 120.0)]
    assert minutes(completion.elapsed_seconds) == 60.0
    assert completion.due_at is None  # a paused clock has none


def test_a_wall_clock_milestone_counts_every_second_of_every_day() -> None:
    facts = case("emergency", "2026-11-28T23:50", (Dispatched, "2026-11-29T00:05"))
    found = explained(facts, "2026-11-29T00:20")
    dispatch = found["dispatch"]
    assert dispatch.clock == "24x7"
    assert [(d.kind, d.counted_seconds / MINUTE) for d in dispatch.days] == [
        (WEEKEND, 10.0),
        (WEEKEND, 5.0),
    ]
    assert minutes(dispatch.elapsed_seconds) == 15.0
    assert dispatch.status == "breached"
    on_site = found["on_site"]
    assert (on_site.status, on_site.stopped_at, minutes(on_site.elapsed_seconds)) == (
        "running",
        None,
        30.0,
    )
    assert on_site.due_at == at("2026-11-29T00:20")


def test_a_milestone_not_started_has_no_breakdown() -> None:
    facts = case("normal", "2026-11-25T09:00")
    callback = explained(facts, "2026-11-25T10:00")["callback"]
    assert (callback.status, callback.days, callback.elapsed_seconds) == ("not_started", (), None)


def test_a_milestone_of_a_cancelled_case_is_excluded_and_names_the_event_that_ended_it() -> None:
    facts = case("normal", "2026-11-25T09:00", (Cancelled, "2026-11-25T09:20"))
    dispatch = explained(facts, "2026-11-25T12:00")["dispatch"]
    assert (dispatch.status, dispatch.stop_event, dispatch.days) == ("excluded", "Cancelled", ())


def test_the_days_counted_less_the_holds_are_the_clocks_own_elapsed_time() -> None:
    facts = case(
        "normal",
        "2026-11-20T16:00",
        (Dispatched, "2026-11-23T10:00"),
        (Held, "2026-11-23T16:00"),
        (Resumed, "2026-11-25T09:00"),
        (Completed, "2026-11-26T15:17:31.250001"),
    )
    for found in explained(facts, "2026-11-30").values():
        if found.elapsed_seconds is None:
            continue
        assert found.counted_seconds - found.held_seconds == found.elapsed_seconds
        assert (found.policy, found.policy_version) == (POLICY.name, 0)
