"""The SLA dashboard (`/console/sla`) and the first-contact dashboard
(`/console/first-contact`): the reports of `GET /reports/...` for a period, the visitor's
communities and an instant, each figure a link to the cases behind it, and the same
address with `format=csv|xlsx|json` as the report's file.

Reports come from the process's cache (`api.console.dashboards.cache`): a dashboard for
now shows a count at most a minute old and says when it was made; its links, downloads
and drill-downs carry that instant, so they list and hold exactly what it counted.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.console.dashboards.chart import chart
from api.console.dashboards.counted import FIRST_CONTACT, SLA, Counted
from api.console.dashboards.query import DashboardQuery, read_query, scope_of
from api.console.dashboards.reading import counted_report
from api.console.dashboards.selection import drill_url
from api.console.rendering import render
from api.console.visitors import Visitor, communities_seen, page
from api.http.runtime import Runtime
from api.report_files.formats import MEDIA_TYPES, file_name, report_file

router = APIRouter(prefix="/console", include_in_schema=False)
TEMPLATES = {SLA: "sla.html", FIRST_CONTACT: "first_contact.html"}
CURRENT = {SLA: "sla", FIRST_CONTACT: "first_contact"}


@router.get("/sla")
def sla(request: Request, who: Annotated[Visitor, page("sla")]) -> Response:
    return dashboard(request, who, SLA)


@router.get("/first-contact")
def first_contact(request: Request, who: Annotated[Visitor, page("first_contact")]) -> Response:
    return dashboard(request, who, FIRST_CONTACT)


def dashboard(request: Request, who: Visitor, report: str) -> Response:
    rt: Runtime = request.app.state.runtime
    query = read_query(request)
    scope = scope_of(rt, who, query.communities)
    counted = counted_report(rt, request.app.state, report, query.period, scope, query.as_of)
    if query.fmt != "html":
        return _file(counted, query.fmt)
    context: dict[str, Any] = {
        "user": who,
        "current": CURRENT[report],
        "as_of": query.as_of,
        "query": query,
        "counted": counted,
        "last_day": query.period.end - timedelta(days=1),
        "communities": communities_seen(rt, who),
        "figure_url": _links(report, query, counted),
    }
    if report == SLA:
        context["chart"] = chart(counted.weeks)
    return render(request, TEMPLATES[report], context, language=who.language)


def _links(report: str, query: DashboardQuery, counted: Counted) -> Any:
    def figure_url(*key: str) -> str:
        return drill_url(report, query.period, query.communities, counted.instant, key)

    return figure_url


def _file(counted: Counted, fmt: str) -> Response:
    """The report as `propdesk report` and `GET /reports/...` write it, for the same instant
    as the page (the download links carry it)."""
    report = counted.report
    return Response(
        report_file(report, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{file_name(report, fmt)}"'},
    )
