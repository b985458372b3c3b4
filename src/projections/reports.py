"""The SLA and first-contact responsibility reports, exact and reproducible from the events."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from projections.asof import Period, histories
from projections.calendar import BusinessCalendar
from projections.milestones import judge
from projections.policy import Policy
from projections.report_document import (
    FIRST_CONTACT_FIELDS,
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
        return {k: v for k, v in asdict(self).items() if k in SLA_FIELDS}


_ORDER = {"repair": 0, "complaint": 1, "renovation": 2}
_SEQ = {  # the milestones in the order a case meets them
    n: i
    for i, n in enumerate(
        ("dispatch", "on_site", "first_reply", "review", "completion", "acceptance", "callback")
    )
}


def sla_report(
    store: ReadModelStore,
    policy: Policy,
    period: Period,
    as_of: datetime,
    communities: Sequence[str] | None = None,
    group_by: str | None = None,
) -> Report:
    policy = policy.known_by(as_of)  # the communities' policies recorded by then
    calendar = policy.new_calendar()
    grouped = is_grouped(group_by)
    # Keyed by the case's community when grouped, else by None, the total's block.
    rows: dict[tuple[str | None, str, str, str], SlaRow] = {}
    versions: set[tuple[str, int]] = set()
    for history in histories(store, policy, calendar, period, as_of, communities):
        case = history.case
        block = case.community if grouped else None
        if policy.communities:
            versions.update((case.community, case.version_of(s.name)) for s in case.specs(policy))
        for spec in case.specs(policy):
            key = (block, case.kind, case.priority, spec.name)
            row = rows.get(key) or rows.setdefault(key, SlaRow(*key[1:]))
            clock = case.milestones[spec.name]
            judged = judge(spec, clock, as_of, calendar)
            if judged.stopped and clock.late_stop:
                row.late_stops += 1
            if judged.status == "met":
                row.met += 1
            elif judged.status == "breached":
                row.breached += 1
            elif judged.status == "pending":
                row.pending += 1
            if judged.stopped and judged.elapsed_seconds is not None:
                row._stopped.append(judged.elapsed_seconds)
    # The total, from the communities' rows: the cases are read once, whatever the grouping.
    for key, row in list(rows.items()) if grouped else ():
        rows.setdefault((None, *key[1:]), SlaRow(*key[1:])).add(row)
    shown = []
    for key in sorted(rows, key=lambda k: (block_order(k[0]), _ORDER[k[1]], k[2], _SEQ[k[3]])):
        rows[key].finish()
        shown.append(in_block(key[0], rows[key].as_dict(), grouped))
    report = _report(
        "sla", policy, calendar, period, as_of, SLA_FIELDS, shown, communities, group_by
    )
    return replace(report, versions=contributing(policy, versions))


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


def first_contact_report(
    store: ReadModelStore,
    policy: Policy,
    period: Period,
    as_of: datetime,
    communities: Sequence[str] | None = None,
    group_by: str | None = None,
) -> Report:
    policy = policy.known_by(as_of)
    calendar = policy.new_calendar()
    grouped = is_grouped(group_by)
    # The report's counts, plus the two the satisfaction rate is computed from.
    counted = (*FIRST_CONTACT_FIELDS[1:-1], "callbacks", "satisfied")
    staff: dict[tuple[str | None, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(counted, 0)
    )
    for history in histories(store, policy, calendar, period, as_of, communities):
        case = history.case
        block = case.community if grouped else None  # None: the total's block
        staff[block, case.received_by]["received"] += 1
        for previous in history.handovers_from:
            staff[block, previous]["handed_over"] += 1
        mine = staff[block, case.owner]
        mine["owned"] += 1
        if case.state in ("closed", "rejected", "invalid"):
            mine["closed"] += 1
        elif case.is_open:
            mine["open"] += 1
            if any(
                judge(spec, case.milestones[spec.name], as_of, calendar).status == "breached"
                for spec in case.specs(policy)
            ):
                mine["overdue"] += 1
        if case.state in ("completed", "closed") and not case.dispatched_elsewhere:
            mine["resolved_at_first_contact"] += 1
        mine["urged"] += history.urges
        mine["callbacks"] += case.callbacks
        mine["satisfied"] += case.satisfied
    # Each staff member's total, from their rows in the communities they work in.
    for (_, name), counts in list(staff.items()) if grouped else ():
        total = staff[None, name]
        for figure in counted:
            total[figure] += counts[figure]
    rows = []
    for block, name in sorted(staff, key=lambda key: (block_order(key[0]), key[1])):
        counts = staff[block, name]
        rate = round(counts["satisfied"] / counts["callbacks"], 4) if counts["callbacks"] else None
        values = {
            "staff": name,
            **{f: counts[f] for f in FIRST_CONTACT_FIELDS[1:-1]},
            "satisfaction_rate": rate,
        }
        rows.append(in_block(block, values, grouped))
    return _report(
        "first-contact", policy, calendar, period, as_of, FIRST_CONTACT_FIELDS, rows,
        communities, group_by,
    )  # fmt: skip


def _report(
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
