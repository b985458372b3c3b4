"""Reports: the SLA and first-contact responsibility documents of `propdesk report`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from api.http.auth import RuntimeDep, requires
from api.http.fields import CommunityCode, Day
from api.http.models import ReportDocument
from api.http.problems import ApiProblem, problem_responses
from api.http.reading import AsOf, MinPosition, await_position
from api.http.runtime import Runtime
from api.http.scopes import communities_for
from api.http.strict_query import StrictRoute
from api.report_files.formats import MEDIA_TYPES, file_name, report_file
from api.storage.tokens import Principal, Role
from projections.asof import Period
from projections.calendar import SHANGHAI
from projections.first_contact import first_contact_report
from projections.policy import Policy
from projections.report_document import Report
from projections.reports import sla_report
from projections.store import ReadModelStore

router = APIRouter(prefix="/reports", tags=["reports"], route_class=StrictRoute)

READERS = (Role.SUPERVISOR, Role.ANALYST)
Reader = Annotated[Principal, Depends(requires(*READERS, action="read reports"))]
Communities = Annotated[
    list[CommunityCode] | None,
    Query(max_length=100, description="repeatable: the cases of these communities alone"),
]
GroupBy = Annotated[
    Literal["community"] | None,
    Query(
        description="community: a block of rows per community (in code order), each row "
        "beginning with `community`, then the total over the same cases (`community` null)",
    ),
]
From = Annotated[
    Day | None,
    Query(alias="from", description="first day, YYYY-MM-DD [default: 30 days before `to`]"),
]
To = Annotated[
    Day | None,
    Query(
        alias="to",
        description="the day after the last, YYYY-MM-DD [default: tomorrow, Asia/Shanghai]",
    ),
]
Format = Annotated[
    Literal["json", "csv", "xlsx"],
    Query(
        alias="format",
        description="json (the default), csv, or xlsx (Excel, Chinese headers): the same rows",
    ),
]
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            MEDIA_TYPES["csv"]: {"schema": {"type": "string"}},
            MEDIA_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
        }
    },
    **problem_responses(401, 403, 422, 503),
}


def period(start: date | None, end: date | None) -> Period:
    last = end or datetime.now(SHANGHAI).date() + timedelta(days=1)
    try:
        first = start or last - timedelta(days=30)
        return Period(first, last)
    except (ValueError, OverflowError) as error:
        raise ApiProblem(
            422, "invalid-input", "Invalid input", f"query.from/to: {error}; `from` < `to`"
        ) from None


# An ungrouped document leaves `group_by` out, as it did before reports could be grouped.
@router.get(
    "/sla", response_model=ReportDocument, response_model_exclude_unset=True, responses=RESPONSES
)
def sla(
    rt: RuntimeDep,
    who: Reader,
    start: From = None,
    end: To = None,
    as_of: AsOf = None,
    min_position: MinPosition = None,
    fmt: Format = "json",
    community: Communities = None,
    group_by: GroupBy = None,
) -> dict[str, Any] | Response:
    """Milestones met, breached and pending per kind, priority and milestone (docs/sla.md)."""
    return _document(sla_report, rt, who, start, end, as_of, min_position, fmt, community, group_by)


@router.get(
    "/first-contact",
    response_model=ReportDocument,
    response_model_exclude_unset=True,
    responses=RESPONSES,
)
def first_contact(
    rt: RuntimeDep,
    who: Reader,
    start: From = None,
    end: To = None,
    as_of: AsOf = None,
    min_position: MinPosition = None,
    fmt: Format = "json",
    community: Communities = None,
    group_by: GroupBy = None,
) -> dict[str, Any] | Response:
    """首问负责制: per staff member, what they received, own, closed and handed over."""
    return _document(
        first_contact_report, rt, who, start, end, as_of, min_position, fmt, community, group_by
    )


Build = Callable[
    [ReadModelStore, Policy, Period, datetime, Sequence[str] | None, str | None], Report
]


def _document(
    build: Build,
    rt: Runtime,
    who: Principal,
    start: date | None,
    end: date | None,
    as_of: datetime | None,
    min_position: int | None,
    fmt: str,
    communities: list[str] | None,
    group_by: str | None,
) -> dict[str, Any] | Response:
    await_position(rt, min_position)
    registered = rt.communities.refresh() if communities and who.communities is None else None
    chosen = communities_for(who, communities, registered)
    moment = as_of or datetime.now(UTC)
    report = build(rt.store, rt.policy, period(start, end), moment, chosen, group_by)
    if fmt == "json":
        return report.document()
    return Response(
        report_file(report, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{file_name(report, fmt)}"'},
    )
