"""A drill-down: the cases behind one figure of a dashboard, named in the queue's address.

    /console/cases?drill=sla&kind=repair&priority=emergency&milestone=dispatch
        &verdict=breached&from=2026-11-01&to=2026-12-01&as_of=2026-12-06T09:30:05+08:00
    /console/cases?drill=first-contact&staff=desk-zhang&figure=owned&from=...&to=...&as_of=...

`community` (repeatable) as on the dashboard. `as_of` is the instant the figure was counted
(every dashboard link carries it); left out, a recent count for now. A drill-down lists
every case the figure counted, open or closed: the queue's other filters do not apply,
and naming one is refused rather than silently narrowing the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from api.console import params
from api.console.dashboards.counted import FIRST_CONTACT, SLA, STAFF_FIGURES
from api.console.dashboards.query import read_period
from api.console.rendering import iso
from projections.asof import Period
from projections.reports import COUNTED

REPORTS = (SLA, FIRST_CONTACT)
PAGES = {SLA: "sla", FIRST_CONTACT: "first_contact"}  # the dashboards' page names
PATHS = {SLA: "/console/sla", FIRST_CONTACT: "/console/first-contact"}
# Queue filters a drill-down refuses: they would list fewer cases than the figure counts.
NARROWING = ("assignee", "owner", "received_from", "received_to", "sla", "number")


@dataclass(frozen=True)
class Drill:
    report: str  # "sla" or "first-contact"
    period: Period
    # sla: (kind, priority, milestone, verdict); first-contact: (staff, figure)
    key: tuple[str, ...]

    @property
    def last_day(self) -> date:
        return self.period.end - timedelta(days=1)

    @property
    def page(self) -> str:
        return PAGES[self.report]

    @property
    def dashboard(self) -> str:
        return PATHS[self.report]


def read_drill(q: QueryParams) -> Drill | None:
    report = params.one_of("drill", q.get("drill"), REPORTS)
    if report is None:
        return None
    for name in NARROWING:
        if not params.blank(q.get(name)):
            raise params.refused(name, "a drill-down lists every case behind its figure")
    state = q.get("state")
    if state is not None and not params.blank(state) and state.strip() != "all":
        raise params.refused("state", "a drill-down lists open and closed cases alike")
    period = read_period(q, required=True)
    if report == SLA:
        key = tuple(
            _required(q, name, allowed)
            for name, allowed in (
                ("kind", None), ("priority", None), ("milestone", None), ("verdict", COUNTED),
            )
        )  # fmt: skip
    else:
        for name in ("kind", "priority"):
            if not params.blank(q.get(name)):
                raise params.refused(name, "the first-contact report counts every kind")
        key = (_required(q, "staff", None), _required(q, "figure", STAFF_FIGURES))
    return Drill(report, period, key)


def _required(q: QueryParams, name: str, allowed: tuple[str, ...] | None) -> str:
    value = (
        params.one_of(name, q.get(name), allowed)
        if allowed is not None
        else params.short(name, q.get(name), 200)
    )
    if value is None:
        raise params.refused(name, "a drill-down names it")
    return value


def drill_url(
    report: str,
    period: Period,
    communities: tuple[str, ...],
    instant: datetime,
    key: tuple[str, ...],
) -> str:
    """The queue's address listing the cases behind one figure counted at `instant`."""
    names = ("kind", "priority", "milestone", "verdict") if report == SLA else ("staff", "figure")
    query = [
        ("drill", report),
        *zip(names, key, strict=True),
        ("from", period.start.isoformat()),
        ("to", period.end.isoformat()),
        *(("community", code) for code in communities),
        ("as_of", iso(instant)),
    ]
    return "/console/cases?" + urlencode(query)


def dashboard_url(drill: Drill, communities: tuple[str, ...], instant: datetime) -> str:
    """The dashboard the figure is on, at the instant it was counted."""
    query = [
        ("from", drill.period.start.isoformat()),
        ("to", drill.period.end.isoformat()),
        *(("community", code) for code in communities),
        ("as_of", iso(instant)),
    ]
    return drill.dashboard + "?" + urlencode(query)
