"""What a dashboard is asked for, from its address: the period, the communities, the
instant and the form (the page, or the report as a file)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fastapi import Request
from starlette.datastructures import QueryParams

from api.console import params
from api.console.visitors import Visitor
from api.http.runtime import Runtime
from api.http.scopes import communities_for
from projections.asof import Period
from projections.calendar import SHANGHAI

FORMATS = ("html", "csv", "xlsx", "json")
LONGEST = 366  # days: a longer period is for `propdesk report` or the API


@dataclass(frozen=True)
class DashboardQuery:
    period: Period
    communities: tuple[str, ...]  # as asked; none: the visitor's whole scope
    as_of: datetime | None  # a past view; None: now (a recent count)
    fmt: str


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following)


def read_period(q: QueryParams, required: bool = False) -> Period:
    """`from` (the first day) and `to` (the day after the last). Left out, the calendar
    month of the other one, or of today in Asia/Shanghai."""
    start = params.day("from", q.get("from"))
    end = params.day("to", q.get("to"))
    if required and (start is None or end is None):
        raise params.refused("from", "a drill-down names its period: `from` and `to`")
    if start is None and end is None:
        return month_of(datetime.now(SHANGHAI).date())
    if start is None:
        assert end is not None
        start = month_of(end - timedelta(days=1)).start
    if end is None:
        end = month_of(start).end
    if end <= start:
        raise params.refused("to", f"the period ends ({end}) on or before it starts ({start})")
    if (end - start).days > LONGEST:
        raise params.refused("to", f"at most {LONGEST} days; longer ones: propdesk report")
    return Period(start, end)


def read_communities(q: QueryParams) -> tuple[str, ...]:
    asked = (params.short("community", v, 64) for v in q.getlist("community"))
    found = tuple(dict.fromkeys(c for c in asked if c))
    if len(found) > 100:
        raise params.refused("community", "at most 100 communities")
    return found


def read_query(request: Request) -> DashboardQuery:
    q = request.query_params
    return DashboardQuery(
        period=read_period(q),
        communities=read_communities(q),
        as_of=_to_the_second(params.moment("as_of", q.get("as_of"))),
        fmt=params.one_of("format", q.get("format"), FORMATS) or "html",
    )


def _to_the_second(moment: datetime | None) -> datetime | None:
    """Links name instants to the second: a past view is counted at one they can name."""
    return None if moment is None else moment.replace(microsecond=0)


def scope_of(rt: Runtime, who: Visitor, asked: Sequence[str]) -> tuple[str, ...] | None:
    """The communities counted, as the reports API decides them: those asked for, each in
    the visitor's scope (403 otherwise) and registered (422 otherwise), or the whole scope;
    None: every community."""
    principal = who.principal
    registered = rt.communities.refresh() if asked and principal.communities is None else None
    return communities_for(principal, list(asked) or None, registered)
