"""The working calendar at its edges: closing time, the weekday rule, the known years.

2026-11-25 is a Wednesday. 2028 is a year no official arrangement is shipped for.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from holidays.countries.china import ChinaStaticHolidays

from projections.calendar import SHANGHAI, BusinessCalendar, SuppliedYear

MINUTE = 60


def at(moment: str, zone: ZoneInfo = SHANGHAI) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=zone)


# -- closing time --------------------------------------------------------------------


def test_a_due_time_that_lands_exactly_on_closing_time_stays_at_closing_time() -> None:
    calendar = BusinessCalendar()
    assert calendar.add_business(at("2026-11-25T09:00"), 510 * MINUTE) == at("2026-11-25T17:30")


def test_a_due_time_one_second_past_closing_time_moves_to_the_next_morning() -> None:
    calendar = BusinessCalendar()
    assert calendar.add_business(at("2026-11-25T09:00"), 510 * MINUTE + 1) == at(
        "2026-11-26T08:30:01"
    )


def test_the_last_second_before_closing_still_counts_on_its_day() -> None:
    calendar = BusinessCalendar()
    start = at("2026-11-25T17:29:59.500")
    assert calendar.add_business(start, 0.5) == at("2026-11-25T17:30")
    assert calendar.add_business(start, 1.0) == at("2026-11-26T08:30:00.500")
    assert calendar.business_seconds(start, at("2026-11-25T18:00")) == 0.5


def test_a_due_time_that_fills_a_whole_day_from_opening_ends_at_its_closing() -> None:
    calendar = BusinessCalendar()
    assert calendar.add_business(at("2026-11-25T08:30"), 540 * MINUTE) == at("2026-11-25T17:30")


@pytest.mark.parametrize(
    ("start", "due"),
    [
        ("2026-11-25T10:00", "2026-11-25T10:00"),  # inside business hours: that instant
        ("2026-11-25T07:00", "2026-11-25T08:30"),  # before opening: the opening
        ("2026-11-25T17:30", "2026-11-26T08:30"),  # at closing: the next opening
        ("2026-11-28T10:00", "2026-11-30T08:30"),  # on a Saturday: Monday's opening
    ],
)
def test_a_zero_budget_falls_due_at_the_first_business_instant_from_its_start(
    start: str, due: str
) -> None:
    assert BusinessCalendar().add_business(at(start), 0) == at(due)


def test_business_time_starting_after_closing_counts_from_the_next_opening() -> None:
    calendar = BusinessCalendar()
    assert calendar.business_seconds(at("2026-11-25T18:00"), at("2026-11-26T09:00")) == 30 * MINUTE
    assert calendar.add_business(at("2026-11-25T18:00"), 30 * MINUTE) == at("2026-11-26T09:00")


def test_an_instant_just_after_closing_counts_nothing_of_that_day() -> None:
    calendar = BusinessCalendar()
    just_after = at("2026-11-25T17:30:00.500")
    assert calendar.business_seconds(just_after, at("2026-11-26T09:00")) == 30 * MINUTE


def test_no_business_time_passes_between_an_instant_and_itself_or_backwards() -> None:
    calendar = BusinessCalendar()
    noon = at("2026-11-25T12:00")
    assert calendar.business_seconds(noon, noon) == 0.0
    assert calendar.business_seconds(noon, noon - timedelta(hours=1)) == 0.0


def test_business_hours_that_close_when_they_open_are_refused() -> None:
    with pytest.raises(ValueError, match=r"close \(09:00:00\) before they open \(09:00:00\)"):
        BusinessCalendar(opens=time(9, 0), closes=time(9, 0))


def test_a_due_time_more_than_ten_years_away_is_refused_and_one_within_is_given() -> None:
    calendar = BusinessCalendar()
    start = at("2026-11-25T09:00")
    # Ten years of days counted from the start's own day: the last instant of business
    # time inside them can be reached, one second more cannot.
    horizon = datetime.combine(date(2026, 11, 25) + timedelta(days=3660), time(0), SHANGHAI)
    budget = calendar.business_seconds(start, horizon)
    last_due = calendar.add_business(start, budget)
    assert last_due <= horizon
    assert last_due.time() == time(17, 30)
    with pytest.raises(ValueError, match="more than ten years away"):
        calendar.add_business(start, budget + 1)


# -- the weekday rule ----------------------------------------------------------------

_SUPPLIED_2028 = SuppliedYear(
    2028,
    holidays=frozenset({date(2028, 10, 2), date(2028, 10, 3)}),  # a Monday and a Tuesday
    workdays=frozenset({date(2028, 10, 7)}),  # a Saturday
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2028, 9, 29), True),  # an ordinary Friday
        (date(2028, 9, 30), False),  # an ordinary Saturday
        (date(2028, 10, 1), False),  # an ordinary Sunday
        (date(2028, 10, 2), False),  # a supplied holiday on a Monday
        (date(2028, 10, 4), True),  # an ordinary Wednesday after the holidays
        (date(2028, 10, 7), True),  # a supplied make-up working Saturday
        (date(2028, 10, 8), False),  # the Sunday after it
    ],
)
def test_a_supplied_year_works_monday_to_friday_except_its_holidays_plus_its_workdays(
    day: date, working: bool
) -> None:
    calendar = BusinessCalendar(supplied={2028: _SUPPLIED_2028})
    assert calendar.is_working_day(day) is working
    assert not calendar.estimated


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2028, 10, 2), True),  # a Monday, whatever the holiday may be
        (date(2028, 10, 6), True),  # a Friday
        (date(2028, 10, 7), False),  # a Saturday
        (date(2028, 10, 8), False),  # a Sunday
    ],
)
def test_an_estimated_year_works_monday_to_friday_and_says_it_estimated(
    day: date, working: bool
) -> None:
    calendar = BusinessCalendar()
    assert calendar.is_working_day(day) is working
    assert calendar.estimated_days == {day}
    assert calendar.is_working_day(day) is working  # asked again: the same answer


def test_a_supplied_year_cannot_be_changed_once_read() -> None:
    with pytest.raises(FrozenInstanceError):
        _SUPPLIED_2028.holidays = frozenset()  # type: ignore[misc]


def test_a_supplied_year_wins_over_the_official_arrangement() -> None:
    # 2026-10-01 is National Day, off in the official arrangement; a policy that says
    # otherwise for 2026 is followed.
    supplied = SuppliedYear(2026, holidays=frozenset())
    assert not BusinessCalendar().is_working_day(date(2026, 10, 1))
    assert BusinessCalendar(supplied={2026: supplied}).is_working_day(date(2026, 10, 1))


# -- the known years -----------------------------------------------------------------


def _last_official_year() -> int:
    """The last year whose make-up working days the installed holidays package lists."""
    return max(ChinaStaticHolidays.special_public_holidays)


def test_the_first_official_year_is_known_and_the_year_before_it_is_estimated() -> None:
    calendar = BusinessCalendar()
    calendar.is_working_day(date(2001, 1, 2))
    assert not calendar.estimated
    calendar.is_working_day(date(2000, 12, 29))
    assert calendar.estimated_days == {date(2000, 12, 29)}


def test_the_last_official_year_is_known_and_the_year_after_it_is_estimated() -> None:
    last = _last_official_year()
    assert last >= 2026  # docs/sla.md: official through 2026 in the locked version
    calendar = BusinessCalendar()
    calendar.is_working_day(date(last, 12, 31))
    assert not calendar.estimated
    calendar.is_working_day(date(last + 1, 1, 4))
    assert calendar.estimated_days == {date(last + 1, 1, 4)}


# -- other time zones ----------------------------------------------------------------


def test_a_calendar_in_a_zone_with_summer_time_counts_the_right_local_days() -> None:
    # Sydney keeps summer time in January (+11) and not in July (+10); open to midnight,
    # a business day's last half hour must count on the day it belongs to.
    sydney = ZoneInfo("Australia/Sydney")
    calendar = BusinessCalendar(opens=time(8, 0), closes=time(23, 59), zone=sydney)
    july = at("2028-07-03T23:00", sydney)  # a Monday
    assert calendar.business_seconds(july, july + timedelta(minutes=30)) == 30 * MINUTE
    assert calendar.add_business(july, 30 * MINUTE) == at("2028-07-03T23:30", sydney)
    january = at("2028-01-03T23:00", sydney)  # a Monday
    assert calendar.add_business(january, 30 * MINUTE) == at("2028-01-03T23:30", sydney)
    # Berlin keeps summer time in July (+2) and not in January (+1): its first half hour
    # of a summer day counts on that day.
    berlin = ZoneInfo("Europe/Berlin")
    early = BusinessCalendar(opens=time(0, 0), closes=time(23, 59), zone=berlin)
    july_night = at("2028-07-04T00:30", berlin)  # a Tuesday
    assert early.business_seconds(july_night, july_night + timedelta(minutes=15)) == 15 * MINUTE


def test_a_calendar_open_round_the_clock_counts_each_hour_on_its_own_day() -> None:
    # Hours next to midnight show which local day an instant is counted on.
    calendar = BusinessCalendar(opens=time(0, 0), closes=time(23, 59))
    assert calendar.business_seconds(at("2026-11-25T00:30"), at("2026-11-25T00:45")) == 15 * MINUTE
    assert calendar.business_seconds(at("2026-11-25T23:00"), at("2026-11-25T23:30")) == 30 * MINUTE
    assert calendar.add_business(at("2026-11-25T23:00"), 30 * MINUTE) == at("2026-11-25T23:30")
    assert calendar.add_business(at("2026-11-25T00:30"), 15 * MINUTE) == at("2026-11-25T00:45")
