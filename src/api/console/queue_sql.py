"""The queue's reading of the case index in SQL: the conditions of its filters, the page
in the queue's order, and the milestone rows of the cases listed.

The live queue reads every case this way; the past view reads the cases unchanged since
its instant this way too (`past_queue`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from api.console.queue_filters import QueueFilters
from api.http.matching import holding_words, under_location
from projections.calendar import SHANGHAI
from projections.store import ReadModelStore
from projections.times import EPOCH, MICROSECOND
from workflow.lifecycles import LIFECYCLES, TERMINAL


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
    searched(filters, where, params)
    return where, params


def searched(filters: QueueFilters, where: list[str], params: list[Any]) -> None:
    """A resident's cases: by the reporter's record (found by phone), a location and the
    units under it, words of the description. Matched against the case as it is now, also
    in a past view: a correction made since counts (the read models keep no earlier
    description), which a search for a resident's cases wants."""
    if filters.reporter_refs is not None:
        refs = filters.reporter_refs[:500] or ("",)
        where.append(f"c.reporter_ref IN ({', '.join('?' for _ in refs)})")
        params.extend(refs)
    found = holding_words(filters.words)
    if filters.location is not None:
        found.append(under_location(filters.location))
    for condition, values in found:
        where.append(condition)
        params.extend(values)


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
    if filters.unclaimed:
        where.append("c.owner = ''")  # the case index's "no one" (no staff name is empty)
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
