"""The callback queue (回访): completed cases waiting for their callback, overdue first.

Every kind waits for its callback in `completed` (workflow.lifecycles): a satisfied or
basically satisfied resident closes the case, an unsatisfied one reopens it, and an
unreachable one leaves it completed, the callback still due. So the queue is the cases in
`completed`, ordered by the `callback` milestone's due time (where the policy has one for
the kind and it is running), then by when the case was completed last.

Now it is read from the case index (in SQL); at a past instant it is rebuilt from the
timeline, as the queue's past view is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.console.case_queue import Clock, clocks_of
from api.console.past_queue import first_recorded_after
from api.console.queue_filters import QueueFilters
from api.console.queue_sql import CHUNK, fixed_where, micros, milestone_rows
from projections.asof import known_at
from projections.calendar import BusinessCalendar
from projections.casefile import CaseFile
from projections.policy import Policy
from projections.rows import case_from_row
from projections.store import ReadModelStore
from projections.times import EPOCH, MICROSECOND
from workflow.events import CallbackRecorded, Completed, DepositRefunded, ResolvedAtFirstContact

WAITING = "completed"  # the state every kind's callback is recorded in
MILESTONE = "callback"
PAGE_SIZE = 50
COMPLETING = (Completed.TOPIC, DepositRefunded.TOPIC, ResolvedAtFirstContact.TOPIC)


@dataclass(frozen=True)
class Attempt:
    """A callback that did not reach the resident."""

    at: datetime
    who: str


@dataclass(frozen=True)
class CallbackRow:
    case: CaseFile
    number: str | None
    completed_at: datetime | None  # the last completion (a reopened case completes again)
    callback: Clock | None  # None: the policy has no running callback milestone for it
    attempts: tuple[Attempt, ...]

    @property
    def due_at(self) -> datetime | None:
        return self.callback.due_at if self.callback and self.callback.running else None


@dataclass(frozen=True)
class CallbackPage:
    rows: list[CallbackRow]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


@dataclass(frozen=True)
class Details:
    completed_at: datetime | None
    attempts: tuple[Attempt, ...]


def details(
    store: ReadModelStore, ids: Sequence[str], known_by: datetime | None
) -> dict[str, Details]:
    """Each case's last completion and unreachable callbacks, from the timeline: all of
    them, or those recorded by `known_by`."""
    completions: dict[str, datetime] = {}
    attempts: dict[str, list[Attempt]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        topics = (*COMPLETING, CallbackRecorded.TOPIC)
        sql = (
            "SELECT case_id, type, occurred_at, actor, value FROM rm_timeline"
            f" WHERE case_id IN ({', '.join('?' for _ in chunk)})"
            f" AND type IN ({', '.join('?' for _ in topics)})"
        )
        params: list[Any] = [*chunk, *topics]
        if known_by is not None:
            sql += " AND recorded_at <= ?"
            params.append(micros(known_by))
        for row in store.query(sql + " ORDER BY case_id, version", params):
            case_id, at = str(row["case_id"]), EPOCH + int(row["occurred_at"]) * MICROSECOND
            if row["type"] in COMPLETING:
                completions[case_id] = max(at, completions.get(case_id, at))
            elif row["value"] == "unreachable":
                attempts.setdefault(case_id, []).append(Attempt(at, str(row["actor"])))
    return {i: Details(completions.get(i), tuple(attempts.get(i, ()))) for i in ids}


def _callback_clock(
    case: CaseFile, policy: Policy, calendar: BusinessCalendar, moment: datetime
) -> Clock | None:
    return next((c for c in clocks_of(case, policy, calendar, moment) if c.name == MILESTONE), None)


def live_callbacks(
    store: ReadModelStore,
    policy: Policy,
    calendar: BusinessCalendar,
    filters: QueueFilters,
    scope: tuple[str, ...] | None,
    now: datetime,
    numbers_of: Callable[[list[str]], dict[str, str]],
    limit: int | None = PAGE_SIZE,
) -> CallbackPage:
    where, params = fixed_where(filters, scope)
    where.append("c.state = ?")
    params.append(WAITING)
    condition = " WHERE " + " AND ".join(where)
    total = int(
        store.query(f"SELECT COUNT(*) AS n FROM rm_case_index c{condition}", params)[0]["n"]
    )
    topics = ", ".join("?" for _ in COMPLETING)
    sql = (
        "SELECT c.*, (SELECT MAX(t.occurred_at) FROM rm_timeline t WHERE t.case_id = c.case_id"
        f" AND t.type IN ({topics})) AS last_completed FROM rm_case_index c"
        " LEFT JOIN rm_milestones m ON m.case_id = c.case_id AND m.name = ?"
        f" AND m.status = 'running'{condition}"
        " ORDER BY CASE WHEN m.due_at IS NULL THEN 1 ELSE 0 END, m.due_at, last_completed,"
        " c.case_id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int((filters.page - 1) * PAGE_SIZE)}"
    found = store.query(sql, [*COMPLETING, MILESTONE, *params])
    ids = [str(r["case_id"]) for r in found]
    clocks = milestone_rows(store, ids)
    cases = [case_from_row(row, clocks.get(i, [])) for row, i in zip(found, ids, strict=True)]
    found_details = details(store, ids, None)
    return _page(policy, calendar, cases, found_details, now, numbers_of, total, filters.page)


def past_callbacks(
    store: ReadModelStore,
    policy: Policy,
    calendar: BusinessCalendar,
    filters: QueueFilters,
    scope: tuple[str, ...] | None,
    as_of: datetime,
    numbers_of: Callable[[list[str]], dict[str, str]],
    limit: int | None = PAGE_SIZE,
) -> CallbackPage:
    """The queue as known at `as_of`. Candidates: cases completed at some time (the first
    completion is never undone) that wait now or were changed after `as_of` (their last
    event is at or past the log's first position recorded after it)."""
    where, params = fixed_where(filters, scope)
    where.append("c.completed_at IS NOT NULL AND (c.state = ? OR c.position >= ?)")
    params.extend([WAITING, first_recorded_after(store, as_of)])
    waiting = [
        h.case
        for h in known_at(store, policy, calendar, as_of, " AND ".join(where), params)
        if h.case.state == WAITING
    ]
    then = policy.known_by(as_of)
    found = details(store, [c.case_id for c in waiting], as_of)
    due = {c.case_id: _callback_clock(c, then, calendar, as_of) for c in waiting}

    def order(case: CaseFile) -> tuple[Any, ...]:
        clock, done = due[case.case_id], found[case.case_id].completed_at
        at = clock.due_at if clock and clock.running else None
        return (at is None, micros(at) if at else 0, micros(done) if done else 0, case.case_id)

    waiting.sort(key=order)
    start = (filters.page - 1) * PAGE_SIZE
    shown = waiting if limit is None else waiting[start : start + limit]
    return _page(policy, calendar, shown, found, as_of, numbers_of, len(waiting), filters.page)


def _page(
    policy: Policy,
    calendar: BusinessCalendar,
    cases: list[CaseFile],
    found: Mapping[str, Details],
    moment: datetime,
    numbers_of: Callable[[list[str]], dict[str, str]],
    total: int,
    page: int,
) -> CallbackPage:
    numbers = numbers_of([c.case_id for c in cases])
    then = policy.known_by(moment)
    rows = [
        CallbackRow(
            case,
            numbers.get(case.case_id),
            found[case.case_id].completed_at,
            _callback_clock(case, then, calendar, moment),
            found[case.case_id].attempts,
        )
        for case in cases
    ]
    return CallbackPage(rows, total, page)
