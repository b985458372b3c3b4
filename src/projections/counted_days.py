"""A milestone's interval day by day: what its clock counted and why the rest was left out.

The counted parts of a business clock are the calendar's own (`business_spans`), the
ones `business_seconds` sums, so this breakdown and the elapsed time cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from projections.calendar import BusinessCalendar

COUNTED = "counted"
# Why a part of the interval was not counted.
BEFORE_OPENING = "before_opening"  # night, or the morning before business hours
AFTER_CLOSING = "after_closing"  # the evening and night after them
WEEKEND = "weekend"
HOLIDAY = "holiday"  # a public holiday or a day off in exchange (调休)
# What a day was.
WORKING = "working"
MAKEUP_WORKDAY = "makeup_workday"  # 调休上班: a weekend day worked, counted as any working day


@dataclass(frozen=True, slots=True)
class Span:
    begin: datetime
    end: datetime
    reason: str  # COUNTED, or why it was left out
    seconds: float  # its length; for a counted part, what the clock added


@dataclass(frozen=True, slots=True)
class CountedDay:
    day: date
    kind: str  # WORKING, MAKEUP_WORKDAY, WEEKEND or HOLIDAY
    holiday: str | None  # the holiday's name, when the calendar's data has one
    counted_seconds: float
    spans: tuple[Span, ...]  # the day's part of the interval, in order
    estimated: bool  # the calendar had no data for the day and took Monday to Friday


def counted_days(
    clock: str, start: datetime, end: datetime, calendar: BusinessCalendar
) -> list[CountedDay]:
    """Each local day of [start, end) with its counted and excluded parts, on `clock`
    ("24x7" counts every second; "business" the calendar's business hours)."""
    if end <= start:
        return []
    zone = calendar.zone
    counted = {}
    if clock != "24x7":
        counted = {day: (low, high) for day, low, high in calendar.business_spans(start, end)}
    days = []
    day = start.astimezone(zone).date()
    while True:
        midnight = datetime.combine(day, time(0), zone)
        if midnight >= end:
            break
        begin, finish = max(start, midnight), min(end, midnight + timedelta(days=1))
        if clock == "24x7":
            whole = Span(begin, finish, COUNTED, (finish - begin).total_seconds())
            days.append(CountedDay(day, _kind(day, calendar), None, whole.seconds, (whole,), False))
        else:
            days.append(_business_day(day, begin, finish, counted.get(day), calendar))
        day += timedelta(days=1)
    return days


def _business_day(
    day: date,
    begin: datetime,
    finish: datetime,
    counted: tuple[float, float] | None,
    calendar: BusinessCalendar,
) -> CountedDay:
    kind = _kind(day, calendar)
    estimated = day in calendar.estimated_days
    name = calendar.day_off_name(day) if kind == HOLIDAY else None
    if kind in (WEEKEND, HOLIDAY):
        off = Span(begin, finish, kind, _length(begin, finish))
        return CountedDay(day, kind, name, 0.0, (off,), estimated)
    zone = calendar.zone
    opens = datetime.combine(day, calendar.opens, zone)
    closes = datetime.combine(day, calendar.closes, zone)
    spans = []
    if counted is not None:
        low = datetime.fromtimestamp(counted[0], zone)
        high = datetime.fromtimestamp(counted[1], zone)
        opens, closes = low, high
    before_end = min(finish, opens)
    if before_end > begin:
        spans.append(Span(begin, before_end, BEFORE_OPENING, _length(begin, before_end)))
    seconds = 0.0
    if counted is not None:
        seconds = counted[1] - counted[0]
        spans.append(Span(opens, closes, COUNTED, seconds))
    after_begin = max(begin, closes)
    if finish > after_begin:
        spans.append(Span(after_begin, finish, AFTER_CLOSING, _length(after_begin, finish)))
    return CountedDay(day, kind, None, seconds, tuple(spans), estimated)


def _kind(day: date, calendar: BusinessCalendar) -> str:
    weekend = day.weekday() >= 5
    if calendar.is_working_day(day):
        return MAKEUP_WORKDAY if weekend else WORKING
    if weekend and calendar.day_off_name(day) is None:
        return WEEKEND
    return HOLIDAY


def _length(begin: datetime, end: datetime) -> float:
    return (end - begin).total_seconds()


def counted_total(clock: str, days: list[CountedDay]) -> float:
    """The days' counted time, summed in the order and the arithmetic the clock sums it in
    (`projections.milestones.span`): exact microseconds for wall time, the calendar's
    floats one working day after another for business hours."""
    counted = [part for found in days for part in found.spans if part.reason == COUNTED]
    if clock == "24x7":
        return sum((part.end - part.begin for part in counted), timedelta()).total_seconds()
    total = 0.0
    for part in counted:
        total += part.seconds
    return total
