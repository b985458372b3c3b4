"""The queue as the system knew it at an instant, with the live queue's filters and order.

A case recorded by the instant is one of two kinds. Changed since (an event of it was
recorded after the instant: its last event's position, kept in the case index, is at or
past the log's first position recorded after the instant), it is rebuilt from the
timeline through the facts recorded by then, as the as-of reports rebuild cases.
Untouched since, its row in the case index and its clocks are what they were then: it is
read and filtered as the live queue reads it, in SQL, with its clocks judged at the
instant. On a busy history most open cases are untouched over a day, so a past view
rebuilds the day's changes, not the whole backlog. The two lists, each in the queue's
order, are merged.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from api.console.case_queue import QueuePage, QueueRow, clocks_of, matches_sla, rows_of
from api.console.queue_filters import PAGE_SIZE, QueueFilters
from api.console.queue_sql import conditions, fixed_where, micros, select_rows
from projections.asof import known_at
from projections.calendar import BusinessCalendar
from projections.casefile import CaseFile
from projections.policy import Policy
from projections.store import ReadModelStore

# How far out of log order recorded times may run: concurrent writers take an event's time
# before the log gives it its position. Far more than they ever differ.
SKEW = timedelta(hours=1)
SCAN_PAGE = 5000


def first_recorded_after(store: ReadModelStore, as_of: datetime) -> int:
    """The first log position recorded after `as_of` (past the end when there is none),
    found by reading the timeline back from its end: a day back reads a day of events."""
    known, floor = micros(as_of), micros(as_of - SKEW)
    first = 2**62
    below = 2**62
    while True:
        rows = store.query(
            "SELECT position, recorded_at FROM rm_timeline WHERE position < ?"
            " ORDER BY position DESC LIMIT ?",
            (below, SCAN_PAGE),
        )
        for row in rows:
            if int(row["recorded_at"]) > known:
                first = int(row["position"])
        if len(rows) < SCAN_PAGE or int(rows[-1]["recorded_at"]) < floor:
            return first
        below = int(rows[-1]["position"])


def past_page(
    store: ReadModelStore,
    policy: Policy,
    calendar: BusinessCalendar,
    filters: QueueFilters,
    scope: tuple[str, ...] | None,
    as_of: datetime,
    numbers_of: Callable[[list[str]], dict[str, str]],
    limit: int | None = PAGE_SIZE,
) -> QueuePage:
    known = micros(as_of)
    after = first_recorded_after(store, as_of)
    policy_then = policy.known_by(as_of)
    fixed, params = fixed_where(filters, scope)
    rebuilt = sorted(
        _rebuilt(store, policy, calendar, filters, fixed, [*params, after], as_of, policy_then),
        key=queue_order(filters.sort),
    )
    more, more_params = conditions(filters, as_of)
    # A case's row holds the position of its last event: below `after`, nothing since.
    untouched = [*fixed, "c.position < ?", "c.received_recorded_at <= ?", *more]
    wanted = None if limit is None else filters.offset + limit
    total, found = select_rows(
        store, untouched, [*params, after, known, *more_params], filters.sort, wanted, 0
    )
    stable = rows_of(store, policy_then, calendar, found, as_of, lambda _: {})
    merged = list(heapq.merge(stable, rebuilt, key=queue_order(filters.sort)))
    shown = merged[filters.offset :] if limit is None else merged[filters.offset : wanted]
    numbers = numbers_of([r.case.case_id for r in shown])
    rows = [QueueRow(r.case, numbers.get(r.case.case_id), r.clocks) for r in shown]
    return QueuePage(rows, total + len(rebuilt), filters.page)


def _rebuilt(
    store: ReadModelStore,
    policy: Policy,
    calendar: BusinessCalendar,
    filters: QueueFilters,
    fixed: list[str],
    params: list[Any],
    as_of: datetime,
    policy_then: Policy,
) -> list[QueueRow]:
    """The cases changed after the instant, as they stood at it, that the filters keep."""
    kept = []
    where = " AND ".join([*fixed, "c.position >= ?"])
    for history in known_at(store, policy, calendar, as_of, where, params, few=True):
        case = history.case
        if not _state_matches(filters.state, case):
            continue
        if any(
            getattr(filters, column) not in (None, getattr(case, column))
            for column in ("assignee", "owner")
        ):
            continue
        if filters.unclaimed and case.owner:
            continue
        clocks = clocks_of(case, policy_then, calendar, as_of)
        if matches_sla(filters.sla, clocks, case.is_open, filters.within, as_of):
            kept.append(QueueRow(case, None, clocks))
    return kept


def _state_matches(state: str, case: CaseFile) -> bool:
    if state == "open":
        return case.is_open
    return state == "all" or case.state == state


def queue_order(sort: str) -> Callable[[QueueRow], tuple[Any, ...]]:
    """The queue's order (`select_rows`' ORDER BY) as a sort key."""

    def by_received(row: QueueRow) -> tuple[Any, ...]:
        return (-micros(row.case.received_at), row.case.case_id)

    def by_due(row: QueueRow) -> tuple[Any, ...]:
        due = row.next_due
        return (due is None, micros(due) if due else 0, *by_received(row))

    return by_received if sort == "received" else by_due
