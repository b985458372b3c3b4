"""The milestones table: each milestone's clock, target, time elapsed and paused, status
and due time, judged at the moment shown. Status and due time are the API's own
(`views.milestones`), so the page and GET /requests/{id} agree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from api.http.views import case_file, milestones
from projections.calendar import BusinessCalendar
from projections.milestones import MilestoneClock, elapsed, span
from projections.policy import Policy
from workflow.events import CaseEvent


@dataclass(frozen=True)
class MilestoneRow:
    name: str
    clock: str  # 24x7 or business
    target: str  # as the policy says it, e.g. 30m
    target_seconds: float
    elapsed_seconds: float | None  # None until it starts
    paused_seconds: float
    status: str
    due_at: datetime | None
    started_at: datetime | None
    stopped_at: datetime | None


def milestone_rows(
    events: Sequence[CaseEvent], policy: Policy, calendar: BusinessCalendar, moment: datetime
) -> list[MilestoneRow]:
    case = case_file(events, policy, calendar)
    judged = {m.name: m for m in milestones(case, policy, calendar, moment)}
    rows = []
    for spec in case.specs(policy):
        clock = case.milestones.get(spec.name) or MilestoneClock(spec.name)
        paused = clock.held_seconds
        if clock.held_since is not None:
            paused += span(spec, clock.held_since, clock.stopped_at or moment, calendar)
        api = judged[spec.name]
        started = clock.started_at is not None and not clock.excluded
        rows.append(
            MilestoneRow(
                name=spec.name,
                clock=spec.clock,
                target=spec.target,
                target_seconds=spec.target_seconds,
                elapsed_seconds=elapsed(spec, clock, moment, calendar) if started else None,
                paused_seconds=paused,
                status=api.status,
                due_at=api.due_at,
                started_at=api.started_at,
                stopped_at=api.stopped_at,
            )
        )
    return rows
