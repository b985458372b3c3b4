"""The personal-data access log, `/console/access-log` (admins): who revealed which case's
personal data and when, newest first, by case (id or number) and by person; the same
address with `format=csv` downloads every entry the filters select."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.console import params
from api.console.rendering import render
from api.console.visitors import Visitor, page
from api.http.runtime import Runtime
from api.http.scopes import whole_company_only
from api.http.views import local
from api.report_files.formats import rows_csv
from api.storage.access_log import Access
from workflow.case_numbers import NUMBER_RULE
from workflow.errors import InvalidInput

router = APIRouter(prefix="/console", include_in_schema=False)
PAGE_SIZE = 50
CSV_LIMIT = 100_000
CSV_COLUMNS = ("at", "who", "role", "case_id", "number", "what")


@dataclass(frozen=True)
class LogFilters:
    case: str | None  # as typed: an id or a number
    case_id: str | None  # the case it names; None with `case` set: no case has that number
    user: str | None
    page: int


def read_filters(request: Request, rt: Runtime) -> LogFilters:
    q = request.query_params
    case = params.short("case", q.get("case"), 64)
    case_id = None
    if case is not None:
        try:
            case_id = str(UUID(case))
        except ValueError:
            try:
                case_id = rt.numbers.case_of(case)
            except InvalidInput:
                raise params.refused(
                    "case", f"{case!r} is neither a case id (a UUID) nor {NUMBER_RULE}"
                ) from None
    return LogFilters(
        case=case,
        case_id=case_id,
        user=params.short("user", q.get("user")),
        page=params.whole("page", q.get("page"), 1, CSV_LIMIT // PAGE_SIZE, 1),
    )


def read_entries(rt: Runtime, filters: LogFilters, limit: int) -> list[Access]:
    if filters.case is not None and filters.case_id is None:
        return []  # a number no case has: no entry can name it
    return rt.access_log.entries(case_id=filters.case_id, who=filters.user, limit=limit)


@router.get("/access-log")
def access_log(request: Request, who: Annotated[Visitor, page("access_log")]) -> Response:
    if who.principal.communities is not None:  # the log spans every community's cases
        raise whole_company_only(who.principal, "read the access log")
    rt: Runtime = request.app.state.runtime
    filters = read_filters(request, rt)
    fmt = params.one_of("format", request.query_params.get("format"), ("html", "csv")) or "html"
    if fmt == "csv":
        found = read_entries(rt, filters, CSV_LIMIT)
        return _csv(found, rt.numbers.numbers_of([e.case_id for e in found]))
    start = (filters.page - 1) * PAGE_SIZE
    found = read_entries(rt, filters, start + PAGE_SIZE + 1)
    shown = found[start : start + PAGE_SIZE]
    context = {
        "user": who,
        "current": "access_log",
        "as_of": None,
        "filters": filters,
        "entries": shown,
        "more": len(found) > start + PAGE_SIZE,
        "numbers": rt.numbers.numbers_of([e.case_id for e in shown]),
    }
    return render(request, "access_log.html", context, language=who.language)


def _csv(found: list[Access], numbers: dict[str, str]) -> Response:
    rows = [
        {
            "at": local(e.at).isoformat(),
            "who": e.who,
            "role": e.role,
            "case_id": e.case_id,
            "number": numbers.get(e.case_id),
            "what": e.what,
        }
        for e in found
    ]
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(
        "\ufeff" + rows_csv(CSV_COLUMNS, rows),  # Excel reads UTF-8 Chinese only with a BOM
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="access-log-{stamp}.csv"'},
    )
