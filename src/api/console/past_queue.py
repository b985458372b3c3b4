"""The queue as the system knew it at an instant, rebuilt from the timeline (as the as-of
reports are), with the live queue's filters and order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from api.console.case_queue import (
    OPEN,
    QueuePage,
    QueueRow,
    clocks_of,
    fixed_where,
    matches_sla,
    micros,
)
from api.console.queue_filters import PAGE_SIZE, QueueFilters
from projections.asof import known_at
from projections.calendar import BusinessCalendar
from projections.casefile import CaseFile
from projections.policy import Policy
from projections.store import ReadModelStore


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
    """The queue as known at `as_of`. Candidates: cases recorded by then that are open now
    or were changed after it (a case closed before it and untouched since was closed then)."""
    where, params = fixed_where(filters, scope)
    where.append(
        f"({OPEN} OR EXISTS (SELECT 1 FROM rm_timeline l WHERE l.case_id = c.case_id"
        " AND l.recorded_at > ?))"
        if filters.state == "open"
        else "1 = 1"
    )
    if filters.state == "open":
        params.append(micros(as_of))
    policy_then = policy.known_by(as_of)
    kept = []
    for history in known_at(store, policy, calendar, as_of, " AND ".join(where), params):
        case = history.case
        if not _state_matches(filters.state, case):
            continue
        if any(
            getattr(filters, column) not in (None, getattr(case, column))
            for column in ("assignee", "owner")
        ):
            continue
        clocks = clocks_of(case, policy_then, calendar, as_of)
        if matches_sla(filters.sla, clocks, case.is_open, filters.within, as_of):
            kept.append(QueueRow(case, None, clocks))
    kept.sort(key=_order(filters.sort))
    shown = kept if limit is None else kept[filters.offset : filters.offset + limit]
    numbers = numbers_of([r.case.case_id for r in shown])
    rows = [QueueRow(r.case, numbers.get(r.case.case_id), r.clocks) for r in shown]
    return QueuePage(rows, len(kept), filters.page)


def _state_matches(state: str, case: CaseFile) -> bool:
    if state == "open":
        return case.is_open
    return state == "all" or case.state == state


def _order(sort: str) -> Callable[[QueueRow], tuple[Any, ...]]:
    def by_received(row: QueueRow) -> tuple[Any, ...]:
        return (-micros(row.case.received_at), row.case.case_id)

    def by_due(row: QueueRow) -> tuple[Any, ...]:
        due = row.next_due
        return (due is None, micros(due) if due else 0, *by_received(row))

    return by_received if sort == "received" else by_due
