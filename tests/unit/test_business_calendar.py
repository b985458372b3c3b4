"""China's working calendar: nights, weekends, holidays, make-up days, supplied years."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from projections.calendar import SHANGHAI, BusinessCalendar, SuppliedYear


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        (at("2026-11-25", "09:00"), at("2026-11-25", "10:30"), 90),  # within one day
        (at("2026-11-25", "17:00"), at("2026-11-26", "09:00"), 60),  # across a night
        (at("2026-11-27", "17:00"), at("2026-11-30", "09:00"), 60),  # across a weekend
        (at("2026-11-25", "06:00"), at("2026-11-25", "08:00"), 0),  # before opening
        (at("2026-11-28", "10:00"), at("2026-11-28", "12:00"), 0),  # an ordinary Saturday
        (at("2026-09-30", "16:30"), at("2026-10-09", "09:30"), 660),  # National Day 2026
        (at("2026-10-10", "08:00"), at("2026-10-10", "18:00"), 540),  # make-up Saturday
    ],
)
def test_business_minutes_count_only_working_hours_on_working_days(
    start: datetime, end: datetime, minutes: int
) -> None:
    calendar = BusinessCalendar()
    assert calendar.business_seconds(start, end) == minutes * 60
    assert not calendar.estimated


def test_a_due_time_skips_the_national_day_holiday() -> None:
    calendar = BusinessCalendar()
    due = calendar.add_business(at("2026-09-30", "16:30"), 9 * 3600)
    assert due == at("2026-10-08", "16:30")


def test_a_due_time_falls_on_a_make_up_working_saturday() -> None:
    calendar = BusinessCalendar()
    assert calendar.add_business(at("2026-10-09", "17:00"), 3600) == at("2026-10-10", "09:00")


def test_a_year_without_official_data_falls_back_to_weekdays_and_says_so() -> None:
    calendar = BusinessCalendar()
    assert calendar.is_working_day(date(2028, 10, 2))  # a Monday, whatever the holiday
    assert not calendar.is_working_day(date(2028, 10, 7))  # a Saturday
    assert calendar.estimated
    assert date(2028, 10, 2) in calendar.estimated_days


def test_supplied_holidays_make_a_year_known() -> None:
    supplied = SuppliedYear(
        2028, holidays=frozenset({date(2028, 10, 2)}), workdays=frozenset({date(2028, 10, 7)})
    )
    calendar = BusinessCalendar(supplied={2028: supplied})
    assert not calendar.is_working_day(date(2028, 10, 2))
    assert calendar.is_working_day(date(2028, 10, 7))
    assert not calendar.estimated


def test_business_hours_are_configurable() -> None:
    from datetime import time

    calendar = BusinessCalendar(opens=time(9, 0), closes=time(18, 0))
    assert (
        calendar.business_seconds(at("2026-11-25", "08:00"), at("2026-11-25", "20:00")) == 540 * 60
    )
    with pytest.raises(ValueError, match="close"):
        BusinessCalendar(opens=time(18, 0), closes=time(9, 0))
