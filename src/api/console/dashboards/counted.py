"""A report counted once, with the cases behind each of its figures.

The report and the index of its cases come from one pass over the reports' own per-case
contributions (`sla_cases` of projections.reports, `first_contact_cases` of
projections.first_contact): the row a case adds to is the row whose cases it is listed
under, so a figure and the list behind it cannot disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from api.console.dashboards.chart import Week, WeeklyTally
from projections.asof import Period
from projections.calendar import BusinessCalendar
from projections.casefile import CaseFile
from projections.first_contact import StaffTally, first_contact_cases
from projections.milestones import due
from projections.policy import Policy
from projections.report_document import Report
from projections.reports import COUNTED, SlaTally, judged_by, sla_cases
from projections.store import ReadModelStore
from projections.times import to_micros

SLA, FIRST_CONTACT = "sla", "first-contact"
# The first-contact figures that are counts of cases or events (the rate is neither).
STAFF_FIGURES = (
    "received", "owned", "open", "closed", "overdue", "handed_over",
    "resolved_at_first_contact", "urged",
)  # fmt: skip
# Figures that count events, not cases: one case may add several to them.
EVENT_FIGURES = ("handed_over", "urged")


class CaseRef(NamedTuple):
    """A case behind a figure, with what the queue sorts it by."""

    case_id: str
    received_us: int
    next_due_us: int | None  # the earliest due time of its running milestones then


@dataclass(frozen=True)
class Counted:
    report: Report
    instant: datetime  # the report's `as_of`
    # Each figure's cases, by the figure's key: (kind, priority, milestone, verdict) or
    # (staff, figure). A case is listed once for every unit it adds (urged twice: twice).
    members: Mapping[tuple[str, ...], Sequence[CaseRef]]
    weeks: tuple[Week, ...]  # the SLA report's weekly figures; none for first contact
    cases: int  # how many cases were read

    def figure(self, key: tuple[str, ...]) -> int:
        return len(self.members.get(key, ()))

    def behind(self, key: tuple[str, ...]) -> list[CaseRef]:
        """The distinct cases behind a figure."""
        return list(dict.fromkeys(self.members.get(key, ())))


def next_due(case: CaseFile, policy: Policy, calendar: BusinessCalendar) -> int | None:
    dues = [
        due(spec, clock, calendar)
        for spec in case.specs(policy)
        if (clock := case.milestones[spec.name]).running and clock.held_since is None
    ]
    found = [d for d in dues if d is not None]
    return to_micros(min(found)) if found else None


def count_sla(
    store: ReadModelStore,
    policy: Policy,
    period: Period,
    instant: datetime,
    communities: Sequence[str] | None,
) -> Counted:
    policy, calendar = judged_by(policy, instant)
    tally, weekly = SlaTally(), WeeklyTally(period)
    members: defaultdict[tuple[str, ...], list[CaseRef]] = defaultdict(list)
    read = 0
    for case_history, verdicts in sla_cases(store, policy, calendar, period, instant, communities):
        tally.add(case_history, verdicts)
        case = case_history.case
        ref = _ref(case, policy, calendar)
        for verdict in verdicts:
            if verdict.status in COUNTED:
                members[case.kind, case.priority, verdict.milestone, verdict.status].append(ref)
                weekly.add(case.received_at, verdict.status)
        read += 1
    report = tally.report(policy, calendar, period, instant, communities)
    return Counted(report, instant, dict(members), weekly.weeks(), read)


def count_first_contact(
    store: ReadModelStore,
    policy: Policy,
    period: Period,
    instant: datetime,
    communities: Sequence[str] | None,
) -> Counted:
    policy, calendar = judged_by(policy, instant)
    tally = StaffTally()
    members: defaultdict[tuple[str, ...], list[CaseRef]] = defaultdict(list)
    read = 0
    cases = first_contact_cases(store, policy, calendar, period, instant, communities)
    for case_history, figures in cases:
        tally.add(case_history, figures)
        ref = _ref(case_history.case, policy, calendar)
        for staff, figure, count in figures:
            if figure in STAFF_FIGURES:
                members[staff, figure].extend([ref] * count)
        read += 1
    report = tally.report(policy, calendar, period, instant, communities)
    return Counted(report, instant, dict(members), (), read)


def _ref(case: CaseFile, policy: Policy, calendar: BusinessCalendar) -> CaseRef:
    received = to_micros(case.received_at)
    assert received is not None
    return CaseRef(case.case_id, received, next_due(case, policy, calendar))


Counter = Callable[[ReadModelStore, Policy, Period, datetime, Sequence[str] | None], Counted]
COUNTERS: dict[str, Counter] = {SLA: count_sla, FIRST_CONTACT: count_first_contact}
