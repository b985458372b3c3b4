"""What one event of a case means for its notices, and when its running milestones are to
be warned about. Pure: the follower reads and writes, this decides.

A case file is evolved here exactly as the read models evolve it (`casefile.evolve`), so a
warning's due instant is the one the SLA report judges by. One thing differs: after a
reopen, each milestone whose start signal comes again (work dispatched again, completed
again) starts a new run, so rework is watched too; the reports judge the first run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from projections.calendar import BusinessCalendar
from projections.casefile import evolve
from projections.facts import Fact
from projections.milestones import MilestoneClock, due, elapsed
from projections.notices.kinds import (
    AT_RISK,
    BREACHED,
    CASE_CANCELLED,
    CASE_CLOSED,
    CASE_COMPLETED,
    CASE_DISPATCHED,
    CASE_RECEIVED,
    CASE_REOPENED,
    MET,
    MILESTONE_CANCELLED,
    case_notice_id,
    milestone_notice_id,
)
from projections.notices.working import Working
from projections.policy import RECEIVED_UNOWNED, MilestoneSpec, Policy
from workflow.events import Completed, DepositRefunded, Dispatched, ResolvedAtFirstContact

_REOPENED = frozenset({"reopened", "rework"})
_CANCELLED = frozenset({"cancelled", "invalid"})
_COMPLETING = frozenset({Completed.TOPIC, DepositRefunded.TOPIC, ResolvedAtFirstContact.TOPIC})
# Milestones started by these signals run once: a reopen does not receive the case again.
_ONCE = frozenset({"received", RECEIVED_UNOWNED, "claimed"})


@dataclass(frozen=True, slots=True)
class Draft:
    """A notice before the outbox numbers it."""

    id: str
    type: str
    case_id: str
    community: str
    kind: str
    milestone: str | None
    run: int  # 0 for a notice about the case rather than a milestone
    due_at: datetime | None
    at: datetime


def received(work: Working) -> list[Draft]:
    case = work.case
    return [_case_draft(work, CASE_RECEIVED, 1, case.received_at)]


def step(work: Working, fact: Fact, policy: Policy, calendar: BusinessCalendar) -> list[Draft]:
    """Apply a later event (version > 1) to the working copy; returns the notices it gives."""
    case = work.case
    state_before = case.state
    before = {name: (c.stopped_at is not None, c.excluded) for name, c in case.milestones.items()}
    evolve(case, fact, policy, calendar)
    case.dirty.clear()  # the read models' bookkeeping; nothing here reads it
    drafts: list[Draft] = []
    for spec in case.specs(policy):
        clock = case.milestones[spec.name]
        was_stopped, was_excluded = before.get(spec.name, (False, False))
        if clock.stopped_at is not None and not was_stopped:
            if elapsed(spec, clock, clock.stopped_at, calendar) <= spec.target_seconds:
                drafts.append(_milestone_draft(work, spec, clock, MET, clock.stopped_at, calendar))
        elif clock.excluded and not was_excluded and not was_stopped and clock.started_at:
            drafts.append(
                _milestone_draft(work, spec, clock, MILESTONE_CANCELLED, fact.occurred_at, calendar)
            )
    at = fact.occurred_at
    if fact.topic == Dispatched.TOPIC:
        drafts.append(_case_draft(work, CASE_DISPATCHED, fact.version, at))
    if fact.topic in _COMPLETING:
        drafts.append(_case_draft(work, CASE_COMPLETED, fact.version, at))
    if case.state != state_before:
        if case.state == "closed":
            drafts.append(_case_draft(work, CASE_CLOSED, fact.version, at))
        elif case.state in _REOPENED and state_before not in _REOPENED:
            drafts.append(_case_draft(work, CASE_REOPENED, fact.version, at))
            _new_runs(work, policy)
        elif case.state in _CANCELLED:
            drafts.append(_case_draft(work, CASE_CANCELLED, fact.version, at))
    return drafts


def _new_runs(work: Working, policy: Policy) -> None:
    case = work.case
    for spec in case.specs(policy):
        clock = case.milestones[spec.name]
        if clock.stopped_at is not None and spec.start not in _ONCE:
            work.runs[spec.name] = work.run(spec.name) + 1
            case.milestones[spec.name] = MilestoneClock(spec.name)


@dataclass(frozen=True, slots=True)
class Timed:
    """A warning waiting for its instant."""

    draft: Draft
    fire_at: datetime


def timed(
    work: Working,
    policy: Policy,
    calendar: BusinessCalendar,
    until: datetime | None = None,
) -> list[Timed]:
    """The case's warnings still to come: at risk and breached, for each running milestone not
    paused by a hold, less those fired in this run; with `until`, only those due by then."""
    case = work.case
    found: list[Timed] = []
    if not case.is_open:
        return found
    for spec in case.specs(policy):
        clock = case.milestones[spec.name]
        if not clock.running or clock.held_since is not None or clock.started_at is None:
            continue
        for type_, instant in (
            (AT_RISK, _at_risk(work, spec, clock, calendar)),
            (BREACHED, due(spec, clock, calendar)),
        ):
            if instant is None or (until is not None and instant > until):
                continue  # checked before anything is built: this runs for every event
            draft = _milestone_draft(work, spec, clock, type_, instant, calendar)
            if draft.id not in work.fired:
                found.append(Timed(draft, instant))
    return found


def next_instant(work: Working, policy: Policy, calendar: BusinessCalendar) -> datetime | None:
    """The earliest instant of the case's warnings still to come (None: none to come)."""
    found: datetime | None = None
    case = work.case
    if not case.is_open:
        return None
    for spec in case.specs(policy):
        clock = case.milestones[spec.name]
        if not clock.running or clock.held_since is not None or clock.started_at is None:
            continue
        instant = _at_risk(work, spec, clock, calendar)  # before the due instant
        if work.fired and _fired(work, spec.name, AT_RISK):
            instant = None if _fired(work, spec.name, BREACHED) else due(spec, clock, calendar)
        if instant is not None and (found is None or instant < found):
            found = instant
    return found


def _fired(work: Working, milestone: str, type_: str) -> bool:
    notice = milestone_notice_id(work.case.case_id, milestone, work.run(milestone), type_)
    return notice in work.fired


def _at_risk(
    work: Working, spec: MilestoneSpec, clock: MilestoneClock, calendar: BusinessCalendar
) -> datetime | None:
    if clock.started_at is None:
        return None
    key = (clock.started_at, clock.held_seconds)
    known = work.risk.get(spec.name)
    if known is None or known[0] != key:
        known = work.risk[spec.name] = (key, at_risk_instant(spec, clock, calendar))
    return known[1]


def at_risk_instant(
    spec: MilestoneSpec, clock: MilestoneClock, calendar: BusinessCalendar
) -> datetime | None:
    if clock.started_at is None:
        return None
    budget = spec.at_risk * spec.target_seconds + clock.held_seconds
    if spec.clock == "24x7":
        return clock.started_at + timedelta(seconds=budget)
    return calendar.add_business(clock.started_at, budget)


def _milestone_draft(
    work: Working,
    spec: MilestoneSpec,
    clock: MilestoneClock,
    type_: str,
    at: datetime | None,
    calendar: BusinessCalendar,
) -> Draft:
    case, run = work.case, work.run(spec.name)
    return Draft(
        milestone_notice_id(case.case_id, spec.name, run, type_),
        type_,
        case.case_id,
        case.community,
        case.kind,
        spec.name,
        run,
        due(spec, clock, calendar),
        at or case.received_at,
    )


def _case_draft(work: Working, type_: str, version: int, at: datetime) -> Draft:
    case = work.case
    id_ = case_notice_id(case.case_id, version, type_)
    return Draft(id_, type_, case.case_id, case.community, case.kind, None, 0, None, at)
