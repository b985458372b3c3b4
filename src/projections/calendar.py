"""China's working calendar: public holidays, make-up working days (调休), business hours.

Holidays and make-up days come from the `holidays` package for the years whose
official State Council arrangement it carries; users may supply other years.
Outside both, a day counts as working Monday to Friday and the calendar
remembers that it estimated, so every report can say so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from holidays.countries.china import China, ChinaStaticHolidays

SHANGHAI = ZoneInfo("Asia/Shanghai")


@cache
def official_years() -> frozenset[int]:
    """Years for which the package carries the official arrangement, make-up days included."""
    last = max(ChinaStaticHolidays.special_public_holidays)
    return frozenset(range(2001, last + 1))


@cache
def _named_holidays() -> China:
    """The official holidays with their Chinese names, for explanations only."""
    return China(years=sorted(official_years()), language="zh_CN")  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class SuppliedYear:
    """A year's arrangement supplied by the user: days off and make-up working days."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date] = frozenset()


@dataclass
class BusinessCalendar:
    opens: time = time(8, 30)
    closes: time = time(17, 30)
    zone: ZoneInfo = SHANGHAI
    supplied: dict[int, SuppliedYear] = field(default_factory=dict)
    estimated_days: set[date] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError(
                f"business hours close ({self.closes}) before they open ({self.opens})"
            )
        self._package = China(years=sorted(official_years()))  # type: ignore[no-untyped-call]
        self._day_cache: dict[date, bool] = {}
        # Asia/Shanghai has kept one offset since 1991: local dates then come from
        # arithmetic, far cheaper than a time-zone conversion per call.
        winter = datetime(2000, 1, 1, tzinfo=self.zone).utcoffset()
        summer = datetime(2000, 7, 1, tzinfo=self.zone).utcoffset()
        self._fixed_offset = winter.total_seconds() if winter == summer and winter else None
        self._windows: dict[date, tuple[float, float] | None] = {}

    @property
    def estimated(self) -> bool:
        """True once any computation touched a day outside what is known."""
        return bool(self.estimated_days)

    def is_working_day(self, day: date) -> bool:
        cached = self._day_cache.get(day)
        if cached is not None:
            return cached
        if day.year in self.supplied:
            arrangement = self.supplied[day.year]
            working = day in arrangement.workdays or (
                day.weekday() < 5 and day not in arrangement.holidays
            )
        elif day.year in official_years():
            working = self._package.is_working_day(day)
        else:
            self.estimated_days.add(day)
            working = day.weekday() < 5
        self._day_cache[day] = working
        return working

    def _local_date(self, posix: float, moment: datetime) -> date:
        if self._fixed_offset is None or posix < _FIXED_SINCE:
            return moment.astimezone(self.zone).date()
        return _EPOCH_DAY + timedelta(days=(posix + self._fixed_offset) // 86400)

    def _window(self, day: date) -> tuple[float, float] | None:
        """Business hours of a day as POSIX seconds; None on a day off. Remembered per day."""
        try:
            return self._windows[day]
        except KeyError:
            pass
        window = None
        if self.is_working_day(day):
            window = (
                datetime.combine(day, self.opens, self.zone).timestamp(),
                datetime.combine(day, self.closes, self.zone).timestamp(),
            )
        self._windows[day] = window
        return window

    def business_spans(self, start: datetime, end: datetime) -> Iterator[tuple[date, float, float]]:
        """Each working day's part of [start, end) inside business hours, in order: the day
        and the part's bounds as POSIX seconds. `business_seconds` sums these and the SLA
        explanation lists them, so the two cannot disagree."""
        if end <= start:
            return
        begin, finish = start.timestamp(), end.timestamp()
        day, last = self._local_date(begin, start), self._local_date(finish, end)
        while day <= last:
            window = self._window(day)
            if window is not None:
                low, high = max(begin, window[0]), min(finish, window[1])
                if high > low:
                    yield day, low, high
            day += _ONE_DAY

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """The part of [start, end) inside business hours on working days."""
        total = 0.0
        for _, low, high in self.business_spans(start, end):
            total += high - low
        return total

    def day_off_name(self, day: date) -> str | None:
        """The public holiday's name (Chinese, from the holiday data) of a day off that is
        not a plain weekend, or None: a supplied year's holidays carry no names."""
        if day.year in self.supplied or day.year not in official_years():
            return None
        return _named_holidays().get(day)

    def is_makeup_workday(self, day: date) -> bool:
        """A weekend day worked in exchange for a holiday (调休上班)."""
        return day.weekday() >= 5 and self.is_working_day(day)

    def add_business(self, start: datetime, seconds: float) -> datetime:
        """The instant when `seconds` of business time have passed after `start`."""
        remaining = seconds
        begin = start.timestamp()
        day = self._local_date(begin, start)
        for _ in range(3660):  # ten years of days: a target never needs more
            window = self._window(day)
            if window is not None:
                available = window[1] - max(begin, window[0])
                if available > 0:
                    if remaining <= available:
                        moment = max(begin, window[0]) + remaining
                        return datetime.fromtimestamp(moment, self.zone)
                    remaining -= available
            day += _ONE_DAY
        raise ValueError(f"{seconds} business seconds after {start} is more than ten years away")


_ONE_DAY = timedelta(days=1)
_EPOCH_DAY = date(1970, 1, 1)
_FIXED_SINCE = datetime(1992, 1, 1, tzinfo=SHANGHAI).timestamp()
