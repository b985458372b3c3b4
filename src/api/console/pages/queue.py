"""The queue page, `/console/cases`: its table refreshes itself every 30 seconds (htmx),
and the same address with `format=csv` downloads every row the filters select.

With `drill=...` it lists the cases behind one figure of a dashboard instead, as they
stood when the figure was counted (`api.console.dashboards.selection`); only the roles
that may open that dashboard may drill down."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.console.case_queue import QueuePage, live_page
from api.console.dashboards.drill_rows import DrillAnswer, drill_page
from api.console.dashboards.query import scope_of
from api.console.dashboards.selection import dashboard_url
from api.console.live_queue import live_queue
from api.console.navigation import PAGES
from api.console.params import one_of
from api.console.past_queue import past_page
from api.console.queue_filters import (
    PRIORITY_CHOICES,
    SLA_CONDITIONS,
    STATE_CHOICES,
    QueueFilters,
    read_filters,
)
from api.console.queue_sql import conditions, fixed_where, select_rows
from api.console.rendering import render
from api.console.visitors import PageRefused, Visitor, communities_seen, page
from api.http import searching
from api.http.runtime import Runtime
from api.http.scopes import communities_for
from api.http.views import local
from api.report_files.formats import rows_csv
from workflow.declared import declared
from workflow.roles import Role
from workflow.vocabulary import Kind

router = APIRouter(prefix="/console", include_in_schema=False)
CSV_LIMIT = 100_000
CSV_COLUMNS = (
    "number", "case_id", "community", "kind", "category", "priority", "location", "state",
    "first_contact_owner", "assignee", "received_at", "next_due", "milestones",
)  # fmt: skip


def queue_page(rt: Runtime, who: Visitor, filters: QueueFilters, limit: int | None) -> QueuePage:
    scope = communities_for(who.principal, filters.communities or None)
    read = past_page if filters.as_of is not None else live_page
    moment = filters.as_of or datetime.now(UTC)
    return read(
        rt.store, rt.policy, rt.calendar, filters, scope, moment, rt.numbers.numbers_of, limit
    )


def visitor_filters(request: Request, who: Visitor) -> QueueFilters:
    filters = read_filters(request)
    if who.principal.role is Role.WORKER:  # a worker's queue is the cases assigned to them
        filters = replace(filters, assignee=who.name)
    if filters.phone is not None:
        searching.check_may_search_by_phone(who.principal)
        rt: Runtime = request.app.state.runtime
        filters = replace(filters, reporter_refs=searching.reporter_refs(rt, filters.phone))
    return filters


def drilled(
    request: Request, who: Visitor, filters: QueueFilters, limit: int | None
) -> DrillAnswer:
    """The cases behind a dashboard's figure, for those who may open the dashboard."""
    rt: Runtime = request.app.state.runtime
    assert filters.drill is not None
    if who.principal.role not in PAGES[filters.drill.page].roles:
        raise PageRefused(who, filters.drill.page)
    scope = scope_of(rt, who, filters.communities)
    return drill_page(rt, request.app.state, filters, scope, limit)


@router.get("/cases")
def cases(request: Request, who: Annotated[Visitor, page("cases")]) -> Response:
    rt: Runtime = request.app.state.runtime
    filters = visitor_filters(request, who)
    if filters.number is not None and filters.drill is None:
        # A case number is one case: the search opens it (404 when none is yours).
        return RedirectResponse(f"/console/cases/{quote(filters.number)}", status_code=303)
    fmt = one_of("format", request.query_params.get("format"), ("html", "csv")) or "html"
    drill: DrillAnswer | None = None
    if filters.drill is not None:
        drill = drilled(request, who, filters, CSV_LIMIT if fmt == "csv" else 50)
        filters = replace(filters, as_of=drill.instant)  # the rows as they stood then
    if fmt == "csv":
        return _csv(drill.page if drill else queue_page(rt, who, filters, CSV_LIMIT), filters)
    found = drill.page if drill else queue_page(rt, who, filters, limit=50)
    held = [UUID(r.case.case_id) for r in found.rows if any(c.held for c in r.clocks)]
    context = {
        "user": who,
        "current": "cases",
        "filters": filters,
        "found": found,
        "as_of": filters.as_of,
        "now": datetime.now(UTC),
        "choices": {
            "kind": [k.value for k in Kind],
            "state": STATE_CHOICES,
            "priority": PRIORITY_CHOICES,
            "sla": SLA_CONDITIONS,
        },
        "communities": communities_seen(rt, who),
        "is_worker": who.principal.role is Role.WORKER,
        "may_search_phone": who.principal.role in searching.PHONE_SEARCHERS,
        "unclaimed": unclaimed_count(rt, who) if filters.as_of is None else None,
        "hold_reasons": {str(i): _hold_reason(rt, i, filters.as_of) for i in held},
        "drill": drill,
        "back": dashboard_url(filters.drill, filters.communities, drill.instant)
        if filters.drill and drill
        else None,
    }
    partial = bool(request.headers.get("hx-request"))
    # A live view listens for notices; a past view or a figure's cases stand still.
    listens = not partial and filters.as_of is None
    context["live"] = live_queue(rt, who.language) if listens else None
    template = "queue_table.html" if partial else "queue.html"
    return render(request, template, context, language=who.language)


def unclaimed_count(rt: Runtime, who: Visitor) -> int | None:
    """How many open cases of the visitor's communities wait for someone to claim them
    (self-service requests); None for a role that may not claim."""
    if who.principal.role not in declared("claim").roles:
        return None
    filters = QueueFilters(unclaimed=True)
    where, params = fixed_where(filters, communities_for(who.principal, None))
    more, more_params = conditions(filters, datetime.now(UTC))
    total, _ = select_rows(rt.store, [*where, *more], [*params, *more_params], "due", 0, 0)
    return total


def _hold_reason(rt: Runtime, case_id: UUID, as_of: datetime | None) -> str | None:
    case = rt.service.as_of(case_id, as_of) if as_of else rt.service.get(case_id)
    return case.hold_reason


def _csv(found: QueuePage, filters: QueueFilters) -> Response:
    rows = [
        {
            "number": row.number, "case_id": row.case.case_id, "community": row.case.community,
            "kind": row.case.kind, "category": row.case.category, "priority": row.case.priority,
            "location": row.case.location, "state": row.case.state,
            "first_contact_owner": row.case.owner, "assignee": row.case.assignee,
            "received_at": local(row.case.received_at).isoformat(),
            "next_due": local(row.next_due).isoformat() if row.next_due else None,
            "milestones": [f"{c.name}={c.status}" for c in row.clocks],
        }
        for row in found.rows
    ]  # fmt: skip
    stamp = (filters.as_of or datetime.now(UTC)).strftime("%Y%m%d-%H%M")
    return Response(
        "\ufeff" + rows_csv(CSV_COLUMNS, rows),  # Excel reads UTF-8 Chinese only with a BOM
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="cases-{stamp}.csv"'},
    )
