"""The queue: cases in a visitor's scope, filtered, sorted by time to breach, a page at a
time; now (from the case index, in SQL) or as the system knew them at an instant
(rebuilt from the timeline, as the as-of reports are).

Both ways apply the same filters; a test holds them to the same answer for the present.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from api.console.queue_filters import PAGE_SIZE, QueueFilters
from api.http.views import milestones
from projections.calendar import SHANGHAI, BusinessCalendar
from projections.casefile import CaseFile
from projections.policy import Policy
from projections.rows import case_from_row
from projections.store import ReadModelStore
from projections.times import EPOCH, MICROSECOND
from workflow.lifecycles import LIFECYCLES, TERMINAL


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


def micros(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def day_start(day: date) -> int:
    return micros(datetime.combine(day, time(0), SHANGHAI))


def fixed_where(
    filters: QueueFilters, scope: tuple[str, ...] | None
) -> tuple[list[str], list[Any]]:
    """Conditions on what a case never changes (community, kind, priority, receipt),
    shared by both ways of reading the queue."""
    where: list[str] = []
    params: list[Any] = []
    chosen = filters.communities or scope
    if chosen is not None:
        where.append(f"c.community IN ({', '.join('?' for _ in chosen)})")
        params.extend(chosen)
    for column in ("kind", "priority"):
        value = getattr(filters, column)
        if value is not None:
            where.append(f"c.{column} = ?")
            params.append(value)
    if filters.received_from is not None:
        where.append("c.received_at >= ?")
        params.append(day_start(filters.received_from))
    if filters.received_to is not None:
        where.append("c.received_at < ?")
        params.append(day_start(filters.received_to + timedelta(days=1)))
    return where, params


# Open states named, not terminal ones excluded: `IN` reads the open cases through the
# state index, where `NOT IN` scanned every case ever received (docs/benchmarks.md).
_OPEN_STATES = sorted({s for lc in LIFECYCLES.values() for s in lc.states} - set(TERMINAL))
OPEN = f"c.state IN ({', '.join(repr(s) for s in _OPEN_STATES)})"
_RUNNING = "FROM rm_milestones m WHERE m.case_id = c.case_id AND m.status = 'running'"
_SLA_SQL = {
    "breached": f"{OPEN} AND EXISTS (SELECT 1 {_RUNNING} AND m.due_at < ?)",
    "at_risk": f"{OPEN} AND EXISTS (SELECT 1 {_RUNNING} AND m.due_at >= ? AND m.due_at <= ?)",
    "paused": f"{OPEN} AND EXISTS (SELECT 1 FROM rm_milestones m WHERE m.case_id = c.case_id"
    " AND m.status = 'paused')",
    "ever_breached": "EXISTS (SELECT 1 FROM rm_milestones m WHERE m.case_id = c.case_id AND"
    " (m.status = 'breached' OR (m.status = 'running' AND m.due_at < ?)))",
}


def conditions(filters: QueueFilters, moment: datetime) -> tuple[list[str], list[Any]]:
    """The conditions on what a case's row holds as it stands (state, people, clocks),
    judged at `moment`."""
    where: list[str] = []
    params: list[Any] = []
    if filters.state == "open":
        where.append(OPEN)
    elif filters.state != "all":
        where.append("c.state = ?")
        params.append(filters.state)
    for column in ("assignee", "owner"):
        value = getattr(filters, column)
        if value is not None:
            where.append(f"c.{column} = ?")
            params.append(value)
    if filters.sla is not None:
        where.append(_SLA_SQL[filters.sla])
        instant = micros(moment)
        if filters.sla == "at_risk":
            params.extend([instant, instant + filters.within * 60_000_000])
        elif filters.sla != "paused":
            params.append(instant)
    return where, params


def select_rows(
    store: ReadModelStore,
    where: list[str],
    params: list[Any],
    sort: str,
    limit: int | None,
    offset: int,
) -> tuple[int, list[Mapping[str, Any]]]:
    """How many rows of the case index match, and those of the page, in the queue's order."""
    condition = " WHERE " + " AND ".join(where) if where else ""
    total = int(
        store.query(f"SELECT COUNT(*) AS n FROM rm_case_index c{condition}", params)[0]["n"]
    )
    order = (
        "c.received_at DESC, c.case_id"
        if sort == "received"
        else "next_due NULLS LAST, c.received_at DESC, c.case_id"
    )
    sql = (
        f"SELECT c.*, (SELECT MIN(m.due_at) {_RUNNING}) AS next_due FROM rm_case_index c"
        f"{condition} ORDER BY {order}"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return total, store.query(sql, params)


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


CHUNK = 500  # ids per IN (...) list: a CSV of every row may name 100,000 cases


def milestone_rows(store: ReadModelStore, ids: list[str]) -> dict[str, list[Mapping[str, Any]]]:
    """The milestone rows of these cases, by case."""
    clocks: dict[str, list[Mapping[str, Any]]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ", ".join("?" for _ in chunk)
        for row in store.query(f"SELECT * FROM rm_milestones WHERE case_id IN ({marks})", chunk):
            clocks.setdefault(str(row["case_id"]), []).append(row)
    return clocks


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
