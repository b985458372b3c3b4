"""Finding cases in the case index read model, newest first, a page at a time."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field, Strict, TypeAdapter

from api.http import models
from api.http.matching import holding_words, under_location
from api.http.problems import ApiProblem
from api.http.views import local, milestones
from projections.calendar import BusinessCalendar
from projections.policy import Policy
from projections.rows import NO_ONE, case_from_row
from projections.store import ReadModelStore
from projections.times import to_micros
from workflow.lifecycles import TERMINAL

_OPEN = f"c.state NOT IN ({', '.join(repr(s) for s in TERMINAL)})"
# Open, with a milestone over its target: breached, or running past its due time.
_OVERDUE = (
    f"({_OPEN} AND EXISTS (SELECT 1 FROM rm_milestones m WHERE m.case_id = c.case_id"
    " AND (m.status = 'breached' OR (m.status = 'running' AND m.due_at < ?))))"
)


@dataclass(frozen=True)
class Filters:
    state: str | None = None
    kind: str | None = None
    owner: str | None = None
    assignee: str | None = None
    location: str | None = None
    # this unit or any under it: `3-2` finds 3-2-101 and 3-2-1201, never 3-20-101
    location_prefix: str | None = None
    overdue: bool | None = None
    # True: open cases received unowned that no one has claimed; False: every other case
    unclaimed: bool | None = None
    created_by: str | None = None  # a channel token sees the cases it created
    communities: tuple[str, ...] | None = None  # any of these; None: every community
    case_id: str | None = None  # the case with a number (工单号)
    reporter_refs: tuple[str, ...] | None = None  # the reporter's record is one of these
    words: tuple[str, ...] = ()  # each in the description, anywhere, A-Z as a-z; no patterns


# What a cursor holds, checked strictly: it is handed to the database, which must not
# meet a number beyond its 64-bit integers, a boolean or a NUL.
_CURSOR: TypeAdapter[tuple[int, UUID]] = TypeAdapter(
    tuple[Annotated[int, Strict(), Field(ge=-(2**63), lt=2**63)], UUID]
)


def encode_cursor(received_at: int, case_id: str) -> str:
    raw = json.dumps([received_at, case_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode())
        received_at, case_id = _CURSOR.validate_json(raw)
    except (ValueError, binascii.Error):  # pydantic's ValidationError is a ValueError
        raise ApiProblem(
            422,
            "invalid-input",
            "Invalid input",
            "query.cursor: not a cursor this API gave out; pass `next_cursor` from the last page",
        ) from None
    return received_at, str(case_id)


def _refs_first(store: ReadModelStore, refs: tuple[str, ...]) -> tuple[str, list[Any]]:
    """The references as a table `x`, one parameter however many there are, joined to the
    case index by its index on `reporter_ref`: SQLite, with no statistics, would rather walk
    a community's cases in order; it takes CROSS JOIN's left table as the outer loop."""
    if store.dialect == "postgresql":
        return "unnest(?::text[]) AS x(value) CROSS JOIN rm_case_index c", [list(refs)]
    return "json_each(?) AS x CROSS JOIN rm_case_index c", [json.dumps(refs)]


def find(
    store: ReadModelStore,
    policy: Policy,
    calendar: BusinessCalendar,
    filters: Filters,
    limit: int,
    cursor: str | None,
    numbers_of: Callable[[list[str]], dict[str, str]],
) -> models.CasePage:
    now = datetime.now(UTC)
    rows = store.query(*selection(store, filters, limit + 1, cursor, now))
    page, more = rows[:limit], len(rows) > limit
    ids = [str(r["case_id"]) for r in page]
    clocks = _milestone_rows(store, ids)
    numbers = numbers_of(ids)
    items = [
        _summary(row, clocks.get(case_id, []), numbers.get(case_id), policy, calendar, now)
        for row, case_id in zip(page, ids, strict=True)
    ]
    last = page[-1] if page and more else None
    next_cursor = encode_cursor(int(last["received_at"]), str(last["case_id"])) if last else None
    return models.CasePage(items=items, next_cursor=next_cursor)


def selection(
    store: ReadModelStore, filters: Filters, rows: int, cursor: str | None, now: datetime
) -> tuple[str, list[Any]]:
    """The query for the case index rows that pass `filters`, newest first, and its
    parameters: at most `rows`, after `cursor`'s."""
    where: list[str] = []
    params: list[Any] = []
    for column in ("state", "kind", "owner", "assignee", "location"):
        value = getattr(filters, column)
        if value is not None:
            where.append(f"c.{column} = ?")
            params.append(value)
    searched = holding_words(filters.words)
    if filters.location_prefix is not None:
        searched.append(under_location(filters.location_prefix))
    if filters.case_id is not None:
        where.append("c.case_id = ?")
        params.append(filters.case_id)
    source, source_params = "rm_case_index c", list[Any]()
    if filters.reporter_refs is not None:
        source, source_params = _refs_first(store, filters.reporter_refs)
        where.append("c.reporter_ref = x.value")
    for condition, values in searched:
        where.append(condition)
        params.extend(values)
    if filters.communities is not None:
        where.append(f"c.community IN ({', '.join('?' for _ in filters.communities)})")
        params.extend(filters.communities)
    if filters.overdue is not None:
        where.append(_OVERDUE if filters.overdue else f"NOT {_OVERDUE}")
        params.append(to_micros(now))
    if filters.unclaimed is not None:
        # No one owns only a case received unowned and not yet claimed, which is open: any
        # command that ends a case claims it first.
        where.append("c.owner = ?" if filters.unclaimed else "c.owner <> ?")
        params.append(NO_ONE)
    if filters.created_by is not None:
        where.append(
            "c.case_id IN (SELECT t.case_id FROM rm_timeline t WHERE t.version = 1 AND t.actor = ?)"
        )
        params.append(filters.created_by)
    if cursor is not None:
        received_at, case_id = decode_cursor(cursor)
        where.append("(c.received_at < ? OR (c.received_at = ? AND c.case_id < ?))")
        params.extend([received_at, received_at, case_id])
    sql = f"SELECT c.* FROM {source}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY c.received_at DESC, c.case_id DESC LIMIT ?"
    return sql, [*source_params, *params, rows]


def _milestone_rows(
    store: ReadModelStore, case_ids: list[str]
) -> dict[str, list[Mapping[str, Any]]]:
    found: dict[str, list[Mapping[str, Any]]] = {}
    if not case_ids:
        return found
    marks = ", ".join("?" for _ in case_ids)
    for row in store.query(f"SELECT * FROM rm_milestones WHERE case_id IN ({marks})", case_ids):
        found.setdefault(str(row["case_id"]), []).append(row)
    return found


def _summary(
    row: Mapping[str, Any],
    clocks: list[Mapping[str, Any]],
    number: str | None,
    policy: Policy,
    calendar: BusinessCalendar,
    now: datetime,
) -> models.CaseSummary:
    case = case_from_row(row, clocks)
    return models.CaseSummary(
        id=UUID(case.case_id),
        number=number,
        kind=case.kind,
        state=case.state,
        version=case.version,
        community=case.community,
        category=case.category,
        priority=case.priority,
        location=case.location,
        channel=case.channel,
        first_contact_owner=case.owner,
        received_by=case.received_by,
        assignee=case.assignee,
        received_at=local(case.received_at),
        milestones=milestones(case, policy, calendar, now),
    )
