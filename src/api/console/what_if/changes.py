"""The cases behind a row of a what-if comparison: those whose milestone's status under
the candidate policy differs from its status under the live one.

Each case is judged by the SLA report's own verdicts (`projections.reports.verdicts`):
the cases received in the period, in the communities asked for, evolved through what was
recorded by the instant, under each policy in turn, in memory; the read models are only
read. A status is None where a policy has no such milestone for the case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from projections.asof import Period, known_at
from projections.casefile import CaseFile
from projections.policy import Policy
from projections.reports import judged_by, verdicts
from projections.store import ReadModelStore
from projections.times import to_micros


@dataclass(frozen=True)
class StatusChange:
    case: CaseFile  # as judged under the live policy
    live: str | None
    candidate: str | None


@dataclass(frozen=True)
class RowKey:
    kind: str
    priority: str
    milestone: str


def _statuses(
    store: ReadModelStore,
    policy: Policy,
    period: Period,
    as_of: datetime,
    communities: Sequence[str] | None,
    row: RowKey,
) -> dict[str, tuple[CaseFile, str | None]]:
    policy, calendar = judged_by(policy, as_of)  # as the report judges
    start, end = period.bounds
    where = "c.received_at >= ? AND c.received_at < ? AND c.kind = ? AND c.priority = ?"
    params: list[object] = [to_micros(start), to_micros(end), row.kind, row.priority]
    if communities is not None:
        where += f" AND c.community IN ({', '.join('?' for _ in communities)})"
        params.extend(communities)
    found = {}
    for history in known_at(store, policy, calendar, as_of, where, params):
        judged = verdicts(history, policy, calendar, as_of)
        status = next((v.status for v in judged if v.milestone == row.milestone), None)
        found[history.case.case_id] = (history.case, status)
    return found


def status_changes(
    store: ReadModelStore,
    live: Policy,
    candidate: Policy,
    period: Period,
    as_of: datetime,
    communities: Sequence[str] | None,
    row: RowKey,
) -> list[StatusChange]:
    """The cases of the row whose status differs, in order of receipt."""
    if communities is not None and not communities:
        return []
    before = _statuses(store, live, period, as_of, communities, row)
    after = _statuses(store, candidate, period, as_of, communities, row)
    changes = [
        StatusChange(case, status, after[case_id][1])
        for case_id, (case, status) in before.items()
        if status != after[case_id][1]
    ]
    return sorted(changes, key=lambda c: (c.case.received_at, c.case.case_id))
