"""The queue: cases in a visitor's scope, filtered, sorted by time to breach, a page at a
time; now (from the case index, in SQL) or as the system knew them at an instant
(rebuilt from the timeline, as the as-of reports are).

Both ways apply the same filters; a test holds them to the same answer for the present.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from api.console.queue_filters import PAGE_SIZE, QueueFilters
from api.console.queue_sql import conditions, fixed_where, milestone_rows, select_rows
from api.http.views import milestones
from projections.calendar import BusinessCalendar
from projections.casefile import CaseFile
from projections.policy import Policy
from projections.rows import case_from_row
from projections.store import ReadModelStore


@dataclass(frozen=True)
class Clock:
    """One milestone of a row: its status now, its due time, and for a running one the
    time left on its own clock (business minutes for business-clock milestones)."""

    name: str
    status: str  # met | breached | pending | paused | not_started | excluded
    clock: str  # 24x7 | business
    due_at: datetime | None
    minutes_left: float | None  # negative once breached; None unless running
    held: bool = False  # started, not stopped, and paused by a hold

    @property
    def running(self) -> bool:
        return self.minutes_left is not None


@dataclass(frozen=True)
class QueueRow:
    case: CaseFile
    number: str | None
    clocks: tuple[Clock, ...]

    @property
    def next_due(self) -> datetime | None:
        dues = [c.due_at for c in self.clocks if c.running and c.due_at is not None]
        return min(dues) if dues else None


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def clocks_of(
    case: CaseFile, policy: Policy, calendar: BusinessCalendar, moment: datetime
) -> tuple[Clock, ...]:
    found = []
    for shown in milestones(case, policy, calendar, moment):
        left = None
        underway = shown.started_at is not None and shown.stopped_at is None
        if underway and shown.due_at is not None and shown.status in ("pending", "breached"):
            left = _minutes_left(shown.clock, shown.due_at, moment, calendar)
        held = underway and shown.due_at is None and shown.status not in ("excluded",)
        found.append(Clock(shown.name, shown.status, shown.clock, shown.due_at, left, held))
    return tuple(found)


def _minutes_left(clock: str, due: datetime, moment: datetime, calendar: BusinessCalendar) -> float:
    if clock == "24x7":
        seconds = (due - moment).total_seconds()
    elif due >= moment:
        seconds = calendar.business_seconds(moment, due)
    else:
        seconds = -calendar.business_seconds(due, moment)
    return round(seconds / 60, 1)


def matches_sla(
    condition: str | None, clocks: Iterable[Clock], is_open: bool, within: int, moment: datetime
) -> bool:
    """The SLA condition of QueueFilters on one case: the Python side of the table, held
    to the SQL side's meaning (due times on the wall clock)."""
    if condition is None:
        return True
    clocks = list(clocks)
    dues = [c.due_at for c in clocks if c.running and c.due_at is not None]
    if condition == "ever_breached":
        stopped_over = any(c.status == "breached" and not (c.running or c.held) for c in clocks)
        return stopped_over or any(due < moment for due in dues)
    if not is_open:
        return False
    if condition == "breached":
        return any(due < moment for due in dues)
    if condition == "at_risk":
        return any(moment <= due <= moment + timedelta(minutes=within) for due in dues)
    return any(c.held for c in clocks)


def live_page(
    store: ReadModelStore,
    policy: Policy,
    calendar: BusinessCalendar,
    filters: QueueFilters,
    scope: tuple[str, ...] | None,
    now: datetime,
    numbers_of: Callable[[list[str]], dict[str, str]],
    limit: int | None = PAGE_SIZE,
) -> QueuePage:
    where, params = fixed_where(filters, scope)
    more, more_params = conditions(filters, now)
    total, found = select_rows(
        store, [*where, *more], [*params, *more_params], filters.sort, limit, filters.offset
    )
    return QueuePage(rows_of(store, policy, calendar, found, now, numbers_of), total, filters.page)


def rows_of(
    store: ReadModelStore,
    policy: Policy,
    calendar: BusinessCalendar,
    found: list[Mapping[str, Any]],
    now: datetime,
    numbers_of: Callable[[list[str]], dict[str, str]],
) -> list[QueueRow]:
    ids = [str(r["case_id"]) for r in found]
    clocks = milestone_rows(store, ids)
    numbers = numbers_of(ids)
    rows = []
    for row, case_id in zip(found, ids, strict=True):
        case = case_from_row(row, clocks.get(case_id, []))
        rows.append(QueueRow(case, numbers.get(case_id), clocks_of(case, policy, calendar, now)))
    return rows
