"""The SLA report, exact and reproducible from the events, and what every report shares
(the policy of an instant, the document); the first-contact report is
`projections.first_contact`.

Each report is counted in two steps: what each case brings to it (`sla_cases`: its
milestones' verdicts; `first_contact_cases`: its figures per staff member), then the sum
(`SlaTally`, `StaffTally`). Whoever needs the cases behind a figure (the console's
drill-down) reads the same per-case contributions the sum is made of, so the two cannot
disagree.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from projections.asof import CaseHistory, Period, histories
from projections.calendar import BusinessCalendar
from projections.milestones import judge
from projections.policy import Policy
from projections.report_document import (
    GROUP_COLUMNS,
    SLA_FIELDS,
    Report,
    block_order,
    in_block,
    is_grouped,
)
from projections.store import ReadModelStore


def nearest_rank(sorted_values: list[float], percent: float) -> float | None:
    if not sorted_values:
        return None
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


@dataclass
class SlaRow:
    kind: str
    priority: str
    milestone: str
    met: int = 0
    breached: int = 0
    pending: int = 0
    attainment: float | None = None
    p50_minutes: float | None = None
    p90_minutes: float | None = None
    late_stops: int = 0  # stopped milestones whose stop was a late entry
    _stopped: list[float] = field(default_factory=list, repr=False)

    def add(self, other: SlaRow) -> None:
        """Counts `other`'s milestones in this row too: a community's row into the total."""
        self.met += other.met
        self.breached += other.breached
        self.pending += other.pending
        self.late_stops += other.late_stops
        self._stopped.extend(other._stopped)

    def finish(self) -> None:
        judged = self.met + self.breached
        self.attainment = round(self.met / judged, 4) if judged else None
        values = sorted(self._stopped)
        self.p50_minutes = _minutes(nearest_rank(values, 50))
        self.p90_minutes = _minutes(nearest_rank(values, 90))

    def as_dict(self) -> dict[str, Any]:
        # Field by field, not dataclasses.asdict: that would copy every stopped time.
        return {name: getattr(self, name) for name in SLA_FIELDS}


_ORDER = {"repair": 0, "complaint": 1, "renovation": 2}
# The milestones a policy may name, in the order a case meets them.
MILESTONE_ORDER = (
    "claim",
    "dispatch",
    "on_site",
    "first_reply",
    "review",
    "completion",
    "acceptance",
    "callback",
)
_SEQ = {n: i for i, n in enumerate(MILESTONE_ORDER)}
# The verdicts a row counts; a milestone not started or excluded is in none.
COUNTED = ("met", "breached", "pending")


@dataclass(frozen=True, slots=True)
class Verdict:
    """One milestone of one case as the SLA report counts it."""

    milestone: str
    status: str  # met | breached | pending | not_started | excluded
    stopped_seconds: float | None  # its time on its clock, once stopped
    late_stop: bool  # stopped by a late entry
    version: int  # of its community's policy it is judged under (0: the deployment's)


def verdicts(
    case_history: CaseHistory, policy: Policy, calendar: BusinessCalendar, as_of: datetime
) -> list[Verdict]:
    case = case_history.case
    found = []
    for spec in case.specs(policy):
        clock = case.milestones[spec.name]
        judged = judge(spec, clock, as_of, calendar)
        stopped = judged.elapsed_seconds if judged.stopped else None
        late = judged.stopped and clock.late_stop
        found.append(Verdict(spec.name, judged.status, stopped, late, case.version_of(spec.name)))
    return found


def judged_by(policy: Policy, as_of: datetime) -> tuple[Policy, BusinessCalendar]:
    """The policy book as it stood at `as_of` (the communities' versions recorded by then)
    and a calendar of its own, which remembers whether it had to estimate a day."""
    known = policy.known_by(as_of)
    return known, known.new_calendar()


def sla_cases(
    store: ReadModelStore,
    policy: Policy,
    calendar: BusinessCalendar,
    period: Period,
    as_of: datetime,
    communities: Sequence[str] | None = None,
) -> Iterator[tuple[CaseHistory, list[Verdict]]]:
    """Each case received in the period, as known at `as_of`, with its milestones' verdicts
    (`policy` and `calendar` from `judged_by`)."""
    for found in histories(store, policy, calendar, period, as_of, communities):
        yield found, verdicts(found, policy, calendar, as_of)


class SlaTally:
    """The SLA report's rows, summed case by case."""

    def __init__(self, group_by: str | None = None) -> None:
        self.grouped = is_grouped(group_by)
        self.group_by = group_by
        # Keyed by the case's community when grouped, else by None, the total's block.
        self.rows: dict[tuple[str | None, str, str, str], SlaRow] = {}
        self.versions: set[tuple[str, int]] = set()

    def add(self, case_history: CaseHistory, found: list[Verdict]) -> None:
        case = case_history.case
        block = case.community if self.grouped else None
        for verdict in found:
            self.versions.add((case.community, verdict.version))
            key = (block, case.kind, case.priority, verdict.milestone)
            row = self.rows.get(key) or self.rows.setdefault(key, SlaRow(*key[1:]))
            if verdict.late_stop:
                row.late_stops += 1
            if verdict.status == "met":
                row.met += 1
            elif verdict.status == "breached":
                row.breached += 1
            elif verdict.status == "pending":
                row.pending += 1
            if verdict.stopped_seconds is not None:
                row._stopped.append(verdict.stopped_seconds)

    def report(
        self,
        policy: Policy,
        calendar: BusinessCalendar,
        period: Period,
        as_of: datetime,
        communities: Sequence[str] | None = None,
    ) -> Report:
        rows = self.rows
        # The total, from the communities' rows: the cases are read once, whatever the grouping.
        for key, row in list(rows.items()) if self.grouped else ():
            rows.setdefault((None, *key[1:]), SlaRow(*key[1:])).add(row)
        shown = []
        for key in sorted(rows, key=lambda k: (block_order(k[0]), _ORDER[k[1]], k[2], _SEQ[k[3]])):
            rows[key].finish()
            shown.append(in_block(key[0], rows[key].as_dict(), self.grouped))
        report = report_of(
            "sla", policy, calendar, period, as_of, SLA_FIELDS, shown, communities, self.group_by
        )
        return replace(report, versions=contributing(policy, self.versions))


def sla_report(
    store: ReadModelStore,
    policy: Policy,
    period: Period,
    as_of: datetime,
    communities: Sequence[str] | None = None,
    group_by: str | None = None,
) -> Report:
    policy, calendar = judged_by(policy, as_of)
    tally = SlaTally(group_by)
    for case_history, found in sla_cases(store, policy, calendar, period, as_of, communities):
        tally.add(case_history, found)
    return tally.report(policy, calendar, period, as_of, communities)


def contributing(policy: Policy, used: set[tuple[str, int]]) -> tuple[dict[str, Any], ...]:
    """The communities' own policies among `used` (version 0 is the deployment's)."""
    return tuple(
        {
            "community": own.community,
            "version": own.version,
            "name": own.policy.name,
            "from": own.starts.isoformat(),
        }
        for own in policy.communities
        if (own.community, own.version) in used
    )


def report_of(
    title: str,
    policy: Policy,
    calendar: BusinessCalendar,
    period: Period,
    as_of: datetime,
    fields: tuple[str, ...],
    rows: list[dict[str, Any]],
    communities: Sequence[str] | None,
    group_by: str | None,
) -> Report:
    return Report(
        title,
        policy.name,
        policy.effective.isoformat(),
        period,
        as_of,
        calendar.estimated,
        (*GROUP_COLUMNS, *fields) if group_by else fields,
        rows,
        tuple(communities) if communities is not None else None,
        group_by,
    )
