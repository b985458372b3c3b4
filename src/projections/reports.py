"""The SLA and first-contact responsibility reports, exact and reproducible from the events."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from projections.asof import Period, histories
from projections.milestones import judge
from projections.policy import Policy
from projections.report_document import FIRST_CONTACT_FIELDS, SLA_FIELDS, Report
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

    def finish(self) -> None:
        judged = self.met + self.breached
        self.attainment = round(self.met / judged, 4) if judged else None
        values = sorted(self._stopped)
        self.p50_minutes = _minutes(nearest_rank(values, 50))
        self.p90_minutes = _minutes(nearest_rank(values, 90))

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k in SLA_FIELDS}


_ORDER = {"repair": 0, "complaint": 1, "renovation": 2}
_MILESTONE_ORDER = {
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
) -> Report:
    calendar = policy.new_calendar()
    rows: dict[tuple[str, str, str], SlaRow] = {}
    for history in histories(store, policy, calendar, period, as_of, communities):
        case = history.case
        for spec in case.specs(policy):
            key = (case.kind, case.priority, spec.name)
            row = rows.get(key) or rows.setdefault(key, SlaRow(*key))
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
    ordered = sorted(
        rows.values(), key=lambda r: (_ORDER[r.kind], r.priority, _MILESTONE_ORDER[r.milestone])
    )
    for row in ordered:
        row.finish()
    return Report(
        "sla",
        policy.name,
        policy.effective.isoformat(),
        period,
        as_of,
        calendar.estimated,
        SLA_FIELDS,
        [r.as_dict() for r in ordered],
        tuple(communities) if communities is not None else None,
    )


def first_contact_report(
    store: ReadModelStore,
    policy: Policy,
    period: Period,
    as_of: datetime,
    communities: Sequence[str] | None = None,
) -> Report:
    calendar = policy.new_calendar()
    # The report's counts, plus the two the satisfaction rate is computed from.
    counted = (*FIRST_CONTACT_FIELDS[1:-1], "callbacks", "satisfied")
    staff: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(counted, 0))
    for history in histories(store, policy, calendar, period, as_of, communities):
        case = history.case
        staff[case.received_by]["received"] += 1
        for previous in history.handovers_from:
            staff[previous]["handed_over"] += 1
        mine = staff[case.owner]
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
    rows = []
    for name in sorted(staff):
        counts = staff[name]
        rate = round(counts["satisfied"] / counts["callbacks"], 4) if counts["callbacks"] else None
        rows.append(
            {
                "staff": name,
                **{f: counts[f] for f in FIRST_CONTACT_FIELDS[1:-1]},
                "satisfaction_rate": rate,
            }
        )
    return Report(
        "first-contact",
        policy.name,
        policy.effective.isoformat(),
        period,
        as_of,
        calendar.estimated,
        FIRST_CONTACT_FIELDS,
        rows,
        tuple(communities) if communities is not None else None,
    )
