"""The SLA dashboard's chart: milestones met and breached per week of receipt, and the
week's attainment, drawn as SVG on the server (no script; colours as SVG presentation
attributes, which the page's style policy allows where `style` attributes are not).

Weeks run Monday to Sunday in Asia/Shanghai, cut at the period's ends, and count the
milestones of the cases received in them: the weeks add up to the report's totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from projections.asof import Period
from projections.calendar import SHANGHAI

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 48, 16, 40  # margins: counts left, attainment right


@dataclass(frozen=True)
class Week:
    start: date
    end: date  # the day after its last
    met: int
    breached: int

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def attainment(self) -> float | None:
        judged = self.met + self.breached
        return self.met / judged if judged else None


def week_bounds(period: Period) -> list[tuple[date, date]]:
    bounds = []
    start = period.start
    while start < period.end:
        end = min(period.end, start + timedelta(days=7 - start.weekday()))
        bounds.append((start, end))
        start = end
    return bounds


class WeeklyTally:
    def __init__(self, period: Period) -> None:
        self.bounds = week_bounds(period)
        self.counts = [[0, 0] for _ in self.bounds]
        self.first = period.start

    def add(self, received_at: datetime, status: str) -> None:
        if status not in ("met", "breached"):
            return
        day = received_at.astimezone(SHANGHAI).date()
        index = next(i for i, (start, end) in enumerate(self.bounds) if start <= day < end)
        self.counts[index][status == "breached"] += 1

    def weeks(self) -> tuple[Week, ...]:
        return tuple(
            Week(start, end, met, breached)
            for (start, end), (met, breached) in zip(self.bounds, self.counts, strict=True)
        )


@dataclass(frozen=True)
class Bar:
    week: Week
    x: float
    width: float
    met_y: float  # the met part stacked on the breached part, from the axis up
    met_height: float
    breached_y: float
    breached_height: float
    label_x: float


@dataclass(frozen=True)
class Point:
    week: Week
    x: float
    y: float


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    points: tuple[Point, ...]  # attainment, for weeks with a judged milestone
    count_ticks: tuple[Tick, ...]
    rate_ticks: tuple[Tick, ...]
    plot: tuple[float, float, float, float]  # left, top, right, bottom

    @property
    def line(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def nice_top(value: int) -> int:
    """A round axis maximum at or above `value`."""
    for top in (5, 10, 20, 25, 50):
        if value <= top:
            return top
    scale = int(10 ** (len(str(value)) - 1))
    return -(-value // scale) * scale


def chart(weeks: tuple[Week, ...]) -> Chart:
    left, top, right, bottom = LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM
    tallest = nice_top(max((w.met + w.breached for w in weeks), default=0))
    slot = (right - left) / max(1, len(weeks))

    def y_of(count: float) -> float:
        return bottom - (bottom - top) * count / tallest

    bars, points = [], []
    for index, week in enumerate(weeks):
        x = left + slot * index + slot * 0.2
        breached_top = y_of(week.breached)
        met_top = y_of(week.breached + week.met)
        bars.append(Bar(week, x, slot * 0.6, met_top, breached_top - met_top, breached_top,
                        bottom - breached_top, x + slot * 0.3))  # fmt: skip
        if week.attainment is not None:
            points.append(Point(week, x + slot * 0.3, bottom - (bottom - top) * week.attainment))
    counts = tuple(Tick(y_of(tallest * i / 5), f"{tallest * i // 5}") for i in range(6))
    rates = tuple(Tick(bottom - (bottom - top) * i / 4, f"{25 * i}%") for i in range(5))
    return Chart(WIDTH, HEIGHT, tuple(bars), tuple(points), counts, rates,
                 (left, top, right, bottom))  # fmt: skip
