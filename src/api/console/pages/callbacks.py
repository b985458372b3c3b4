"""The callback queue page, `/console/callbacks`: completed cases waiting for their
callback (回访), overdue first, each with its earlier unreachable attempts; the same address
with `format=csv` downloads every row the filters select."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.console import params
from api.console.callback_queue import CallbackPage, live_callbacks, past_callbacks
from api.console.params import blank
from api.console.queue_filters import QueueFilters
from api.console.rendering import render
from api.console.visitors import Visitor, communities_seen, page
from api.http.reading import check_can_read, load
from api.http.runtime import Runtime
from api.http.scopes import communities_for
from api.http.views import local
from api.report_files.formats import rows_csv
from workflow.vocabulary import Kind

router = APIRouter(prefix="/console", include_in_schema=False)
CSV_LIMIT = 100_000
CSV_COLUMNS = (
    "number", "case_id", "community", "kind", "category", "location", "completed_at",
    "callback_due", "minutes_left", "unreachable_attempts", "assignee",
)  # fmt: skip


def read_filters(request: Request) -> QueueFilters:
    """The queue's own filters (community, kind, page, as_of), in the queue's types."""
    q = request.query_params
    communities = tuple(
        dict.fromkeys(
            c for c in (params.short("community", v, 64) for v in q.getlist("community")) if c
        )
    )
    if len(communities) > 100:
        raise params.refused("community", "at most 100 communities")
    return QueueFilters(
        communities=communities,
        kind=params.one_of("kind", q.get("kind"), [k.value for k in Kind]),
        state="completed",
        page=params.whole("page", q.get("page"), 1, 100_000, 1),
        as_of=params.moment("as_of", q.get("as_of")),
    )


def callback_page(rt: Runtime, who: Visitor, filters: QueueFilters, limit: int) -> CallbackPage:
    scope = communities_for(who.principal, filters.communities or None)
    read = past_callbacks if filters.as_of is not None else live_callbacks
    moment = filters.as_of or datetime.now(UTC)
    return read(
        rt.store, rt.policy, rt.calendar, filters, scope, moment, rt.numbers.numbers_of, limit
    )


@router.get("/callbacks")
def callbacks(request: Request, who: Annotated[Visitor, page("callbacks")]) -> Response:
    rt: Runtime = request.app.state.runtime
    filters = read_filters(request)
    fmt = params.one_of("format", request.query_params.get("format"), ("html", "csv")) or "html"
    if fmt == "csv":
        return _csv(callback_page(rt, who, filters, CSV_LIMIT), filters)
    context = {
        "user": who,
        "current": "callbacks",
        "filters": filters,
        "found": callback_page(rt, who, filters, limit=50),
        "as_of": filters.as_of,
        "now": filters.as_of or datetime.now(UTC),
        "kinds": [k.value for k in Kind],
        "communities": communities_seen(rt, who),
        **_called(request, rt, who),
    }
    return render(request, "callbacks.html", context, language=who.language)


def _called(request: Request, rt: Runtime, who: Visitor) -> dict[str, Any]:
    """The case whose callback was just recorded from this queue, for the page to say
    what became of it (closed, reopened for rework, or still waiting)."""
    q = request.query_params
    if q.get("done") != "callback" or blank(q.get("case")):
        return {"called": None}
    try:
        case_id = UUID(str(q.get("case"))[:40])
    except ValueError:
        return {"called": None}
    loaded = load(rt, case_id)
    check_can_read(rt, who.principal, loaded, None)
    return {"called": loaded.case, "called_number": rt.numbers.number_of(case_id) or str(case_id)}


def _csv(found: CallbackPage, filters: QueueFilters) -> Response:
    rows = [
        {
            "number": row.number, "case_id": row.case.case_id, "community": row.case.community,
            "kind": row.case.kind, "category": row.case.category, "location": row.case.location,
            "completed_at": local(row.completed_at).isoformat() if row.completed_at else None,
            "callback_due": local(row.due_at).isoformat() if row.due_at else None,
            "minutes_left": row.callback.minutes_left if row.callback else None,
            "unreachable_attempts": [f"{local(a.at).isoformat()} {a.who}" for a in row.attempts],
            "assignee": row.case.assignee,
        }
        for row in found.rows
    ]  # fmt: skip
    stamp = (filters.as_of or datetime.now(UTC)).strftime("%Y%m%d-%H%M")
    return Response(
        "\ufeff" + rows_csv(CSV_COLUMNS, rows),  # Excel reads UTF-8 Chinese only with a BOM
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="callbacks-{stamp}.csv"'},
    )
