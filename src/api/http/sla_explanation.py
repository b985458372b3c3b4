"""GET /requests/{id}/sla's body: why each milestone of the case met or breached its target.

The explanation is the read side's (`projections.explanation`): the case's events evolved
with the reports' own code, the minutes counted day by day from the calendar's spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from projections.calendar import SHANGHAI, BusinessCalendar
from projections.counted_days import CountedDay
from projections.explanation import Explanation, explain
from projections.facts import fact_of
from projections.policy import Policy
from workflow.events import CaseEvent

Verdict = Literal["met", "breached", "running", "paused", "excluded", "not_started"]
Reason = Literal["counted", "before_opening", "after_closing", "weekend", "holiday"]


class SlaSpan(BaseModel):
    start: datetime = Field(alias="from")
    to: datetime
    reason: Reason = Field(
        description="counted, or why it was left out: before_opening (the night or the "
        "morning before business hours), after_closing, weekend, holiday (a public holiday "
        "or a day off given in exchange, 调休)"
    )
    minutes: float


class SlaDay(BaseModel):
    date: date
    kind: Literal["working", "makeup_workday", "weekend", "holiday"] = Field(
        description="makeup_workday: a weekend day worked in exchange for a holiday "
        "(调休上班), counted as any working day"
    )
    holiday: str | None = Field(description="the holiday's name, e.g. 国庆节, when known")
    counted_minutes: float
    estimated: bool = Field(description="no holiday data for the day: Monday to Friday taken")
    spans: list[SlaSpan]


class SlaHold(BaseModel):
    start: datetime = Field(alias="from")
    to: datetime | None = Field(description="null: still on hold, counted to counted_until")
    minutes: float = Field(description="on the milestone's clock: the time subtracted")


class SlaMilestone(BaseModel):
    name: str = Field(examples=["dispatch"])
    status: Verdict
    policy: str = Field(description="the name of the policy the milestone is judged under")
    policy_version: int = Field(description="of its community's policy; 0: the deployment's")
    clock: Literal["24x7", "business"]
    target: str = Field(examples=["30m"])
    target_minutes: float
    hold_pauses: bool
    start_signal: str
    stop_signals: list[str]
    started_at: datetime | None
    start_event: str | None = Field(examples=["Received"])
    stopped_at: datetime | None
    stop_event: str | None = Field(
        description="the event that stopped it, or, excluded, the one that ended the case"
    )
    counted_until: datetime | None = Field(
        description="its stop, or for a running clock the instant the case is judged at"
    )
    due_at: datetime | None = Field(description="when the target runs out; null while paused")
    late_stop: bool
    days: list[SlaDay]
    holds: list[SlaHold]
    counted_minutes: float = Field(description="the days' counted minutes, before holds")
    held_minutes: float
    elapsed_minutes: float | None = Field(description="counted less held; null until started")
    elapsed_seconds: float | None = Field(description="the same, in seconds, as the reports")


class SlaExplanation(BaseModel):
    case_id: UUID
    number: str | None
    as_of: datetime = Field(description="the instant the case is judged at")
    milestones: list[SlaMilestone]


def explanation_body(
    case_id: UUID,
    number: str | None,
    events: Sequence[CaseEvent],
    policy: Policy,
    calendar: BusinessCalendar,
    moment: datetime,
) -> SlaExplanation:
    facts = [fact_of(event, 0) for event in events]
    found = explain(facts, policy, calendar, moment)
    return SlaExplanation(
        case_id=case_id, number=number, as_of=_local(moment), milestones=[_row(e) for e in found]
    )


def _row(found: Explanation) -> SlaMilestone:
    return SlaMilestone(
        name=found.milestone,
        status=found.status,  # type: ignore[arg-type]  # explain's statuses are these
        policy=found.policy,
        policy_version=found.policy_version,
        clock=found.clock,  # type: ignore[arg-type]  # the policy allows these two
        target=found.target,
        target_minutes=found.target_seconds / 60,
        hold_pauses=found.hold_pauses,
        start_signal=found.start_signal,
        stop_signals=list(found.stop_signals),
        started_at=_maybe(found.started_at),
        start_event=found.start_event,
        stopped_at=_maybe(found.stopped_at),
        stop_event=found.stop_event,
        counted_until=_maybe(found.counted_until),
        due_at=_maybe(found.due_at),
        late_stop=found.late_stop,
        days=[_day(day) for day in found.days],
        holds=[
            SlaHold(**{"from": _local(h.begin)}, to=_maybe(h.end), minutes=h.seconds / 60)
            for h in found.holds
        ],
        counted_minutes=found.counted_seconds / 60,
        held_minutes=found.held_seconds / 60,
        elapsed_minutes=None if found.elapsed_seconds is None else found.elapsed_seconds / 60,
        elapsed_seconds=found.elapsed_seconds,
    )


def _day(day: CountedDay) -> SlaDay:
    return SlaDay(
        date=day.day,
        kind=day.kind,  # type: ignore[arg-type]  # counted_days' kinds are these
        holiday=day.holiday,
        counted_minutes=day.counted_seconds / 60,
        estimated=day.estimated,
        spans=[
            SlaSpan(
                **{"from": _local(s.begin)},
                to=_local(s.end),
                reason=s.reason,  # type: ignore[arg-type]  # counted_days' reasons are these
                minutes=s.seconds / 60,
            )
            for s in day.spans
        ],
    )


def _local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


def _maybe(moment: datetime | None) -> datetime | None:
    return None if moment is None else _local(moment)
