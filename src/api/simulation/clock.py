"""Simulated time: the clock the application reads, shifts, business and calling hours.

The community lives in Asia/Shanghai (no daylight saving), so local wall-clock
arithmetic is safe; every instant handed to the application is aware.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Staff type a fact into the system a moment after it happens; a constant lag
# keeps recorded times in the order the events were written.
RECORDING_LAG = timedelta(seconds=3)

OPENS = time(8, 30)  # business hours of the office, engineers and reviewers
CLOSES = time(17, 30)
CALLS_FROM = time(9, 0)  # customer service does not call residents at night
CALLS_UNTIL = time(21, 0)


class SimClock:
    """The application's clock during a simulation: the time of the action being run."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now + RECORDING_LAG

    def advance(self, to: datetime) -> None:
        # Actions run in time order; never step back even if asked to.
        self.now = max(self.now, to)


def period_end(today: date | None = None) -> datetime:
    """Midnight at the start of today in Shanghai: a simulated period ends there, in the past."""
    day = today or datetime.now(SHANGHAI).date()
    return datetime.combine(day, time(0), SHANGHAI).astimezone(UTC)


def local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


class Shift(StrEnum):
    NIGHT = "night"  # 00:00-08:00
    DAY = "day"  # 08:00-16:00
    EVENING = "evening"  # 16:00-24:00


SHIFTS = (Shift.NIGHT, Shift.DAY, Shift.EVENING)
SHIFT_HOURS = 8


def shift_of(moment: datetime) -> tuple[date, Shift]:
    here = local(moment)
    return here.date(), SHIFTS[here.hour // SHIFT_HOURS]


def shift_changes(start: datetime, end: datetime) -> Iterator[datetime]:
    """Every shift boundary after `start`, up to and including `end`."""
    here = local(start)
    boundary = here.replace(hour=here.hour - here.hour % SHIFT_HOURS, minute=0, second=0)
    boundary = boundary.replace(microsecond=0)
    while True:
        boundary += timedelta(hours=SHIFT_HOURS)
        if boundary > end:
            return
        yield boundary.astimezone(UTC)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5


def _at(day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, SHANGHAI).astimezone(UTC)


def business_from(moment: datetime) -> datetime:
    """`moment` if the office is open then, else the next opening."""
    here = local(moment)
    day = here.date()
    if is_working_day(day) and OPENS <= here.time() < CLOSES:
        return moment
    if is_working_day(day) and here.time() < OPENS:
        return _at(day, OPENS)
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return _at(day, OPENS)


def add_business(moment: datetime, work: timedelta) -> datetime:
    """The moment `work` of office time after `moment`, skipping nights and weekends."""
    at = business_from(moment)
    while True:
        closing = _at(local(at).date(), CLOSES)
        if at + work <= closing:
            return at + work
        work -= closing - at
        at = business_from(closing)


def calling_from(moment: datetime) -> datetime:
    """`moment` if residents may be called then, else 09:00 the next morning."""
    here = local(moment)
    if CALLS_FROM <= here.time() < CALLS_UNTIL:
        return moment
    day = here.date() if here.time() < CALLS_FROM else here.date() + timedelta(days=1)
    return _at(day, CALLS_FROM)
