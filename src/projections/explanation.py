"""Why each milestone of a case met or breached its target, as the SLA rules judged it.

The case file is evolved with the read side's own `evolve`, fact by fact, and watched:
which event started and stopped each clock, and each hold it subtracted. The elapsed
time is the clocks' own (`projections.milestones.elapsed`); the day-by-day breakdown is
the calendar's counted spans (`projections.counted_days`), which the elapsed time sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from projections.calendar import BusinessCalendar
from projections.casefile import CaseFile, evolve, open_case_file
from projections.counted_days import CountedDay, counted_days, counted_total
from projections.facts import Fact
from projections.milestones import MilestoneClock, elapsed, judge, span
from projections.policy import MilestoneSpec, Policy
from workflow.history import TYPE_OF_TOPIC

EVENT_NAMES = TYPE_OF_TOPIC  # the names a case history gives its events
EVENT_TOPICS = {name: topic for topic, name in EVENT_NAMES.items()}


@dataclass(frozen=True, slots=True)
class Hold:
    begin: datetime
    end: datetime | None  # None: still on hold, counted to the explanation's end
    seconds: float  # on the milestone's own clock: what was subtracted


@dataclass(frozen=True, slots=True)
class Explanation:
    milestone: str
    policy: str  # the name of the policy it is judged under
    policy_version: int  # of its community's policy (0: the deployment's)
    clock: str  # 24x7 or business
    target: str
    target_seconds: float
    hold_pauses: bool
    start_signal: str
    stop_signals: tuple[str, ...]
    status: str  # met | breached | running | paused | excluded | not_started
    started_at: datetime | None
    start_event: str | None  # the event class that started it
    stopped_at: datetime | None
    stop_event: str | None  # the event class that stopped it, or that excluded it
    counted_until: datetime | None  # its stop, or for a running clock the instant asked about
    due_at: datetime | None
    late_stop: bool
    days: tuple[CountedDay, ...]
    holds: tuple[Hold, ...]
    counted_seconds: float  # the days' counted time, before holds
    held_seconds: float  # the holds' time subtracted
    elapsed_seconds: float | None  # counted less held: what the target is compared with


@dataclass
class _Watched:
    """What the clock's changes showed, fact by fact."""

    start_event: str | None = None
    stop_event: str | None = None
    holds: list[tuple[datetime, datetime | None]] = field(default_factory=list)


def explain(
    facts: Sequence[Fact], policy: Policy, calendar: BusinessCalendar, moment: datetime
) -> list[Explanation]:
    """Each milestone of the case whose facts (oldest first) these are, judged at `moment`."""
    case = open_case_file(facts[0], policy)
    received = EVENT_NAMES[facts[0].topic]
    watched = {
        name: _Watched(received if clock.started_at is not None else None)
        for name, clock in case.milestones.items()
    }
    for fact in facts[1:]:
        before = {
            name: (clock.started_at, clock.stopped_at, clock.held_since, clock.excluded)
            for name, clock in case.milestones.items()
        }
        evolve(case, fact, policy, calendar)
        for name, clock in case.milestones.items():
            _watch(watched[name], before[name], clock, EVENT_NAMES[fact.topic], fact.occurred_at)
    return [
        _explained(case, spec, watched[spec.name], policy, calendar, moment)
        for spec in case.specs(policy)
    ]


def _watch(
    seen: _Watched,
    before: tuple[datetime | None, datetime | None, datetime | None, bool],
    clock: MilestoneClock,
    event: str,
    at: datetime,
) -> None:
    started, stopped, held_since, excluded = before
    if started is None and clock.started_at is not None:
        seen.start_event = event
    if (stopped is None and clock.stopped_at is not None) or (not excluded and clock.excluded):
        seen.stop_event = event
    if held_since is not None and clock.held_since is None:
        seen.holds[-1] = (held_since, at)
    if clock.held_since is not None and held_since is None:
        seen.holds.append((clock.held_since, None))


def _explained(
    case: CaseFile,
    spec: MilestoneSpec,
    seen: _Watched,
    policy: Policy,
    calendar: BusinessCalendar,
    moment: datetime,
) -> Explanation:
    clock = case.milestones[spec.name]
    judged = judge(spec, clock, moment, calendar)
    status = judged.status
    if status == "pending":
        status = "paused" if clock.held_since is not None else "running"
    until = None
    days: list[CountedDay] = []
    holds: list[Hold] = []
    counted = held = 0.0
    seconds = None
    if clock.started_at is not None and not clock.excluded:
        until = clock.stopped_at or moment
        days = counted_days(spec.clock, clock.started_at, until, calendar)
        for begin, end in seen.holds:
            holds.append(Hold(begin, end, span(spec, begin, end or until, calendar)))
        counted = counted_total(spec.clock, days)
        for hold in holds:
            held += hold.seconds
        # The clock's own figure, which the reports give; the breakdown sums to it
        # (counted less held), as the tests check for every milestone of the demo.
        seconds = elapsed(spec, clock, until, calendar)
    number = case.version_of(spec.name)
    return Explanation(
        milestone=spec.name,
        policy=policy.version(case.community, number).name,
        policy_version=number,
        clock=spec.clock,
        target=spec.target,
        target_seconds=spec.target_seconds,
        hold_pauses=spec.hold_pauses,
        start_signal=spec.start,
        stop_signals=spec.stop,
        status=status,
        started_at=clock.started_at,
        start_event=seen.start_event,
        stopped_at=clock.stopped_at,
        stop_event=seen.stop_event,
        counted_until=until,
        due_at=judged.due_at,
        late_stop=clock.late_stop,
        days=tuple(days),
        holds=tuple(holds),
        counted_seconds=counted,
        held_seconds=held,
        elapsed_seconds=seconds,
    )
