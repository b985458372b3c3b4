"""One milestone's clock on one case: started, stopped, paused by holds, judged.

Each change reports whether it changed anything, so the read model rewrites
only the clocks that moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from projections.calendar import BusinessCalendar
from projections.policy import MilestoneSpec


@dataclass(slots=True)
class MilestoneClock:
    name: str
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    held_seconds: float = 0.0  # on the milestone's own clock
    held_since: datetime | None = None
    excluded: bool = False  # its case was cancelled before it stopped
    # The due time depends only on the start and the time held: remembered until they change.
    due_at: datetime | None = None
    late_stop: bool = False  # its stop was a late entry (docs/sla.md)

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.stopped_at is None and not self.excluded

    def on_signal(
        self,
        spec: MilestoneSpec,
        signal: str,
        at: datetime,
        on_hold: bool,
        calendar: BusinessCalendar,
        late: bool = False,
    ) -> bool:
        """`late`: the signal's event is a late entry."""
        if self.started_at is None:
            if signal == spec.start:
                self.started_at = at
                self.due_at = None
                if on_hold and spec.hold_pauses:
                    self.held_since = at
                return True
        elif self.running and signal in spec.stop:
            self.on_resume(spec, at, calendar)
            self.stopped_at = at
            self.late_stop = late
            return True
        return False

    def on_hold(self, spec: MilestoneSpec, at: datetime) -> bool:
        if self.running and spec.hold_pauses and self.held_since is None:
            self.held_since = at
            return True
        return False

    def on_resume(self, spec: MilestoneSpec, at: datetime, calendar: BusinessCalendar) -> bool:
        if self.held_since is not None:
            self.held_seconds += span(spec, self.held_since, at, calendar)
            self.held_since = None
            self.due_at = None
            return True
        return False

    def on_end(self) -> bool:
        """The case was cancelled (or ended as invalid), or resolved at first contact with
        this clock running: an unstopped milestone drops out."""
        if self.stopped_at is None and not self.excluded:
            self.excluded = True
            return True
        return False


@dataclass(frozen=True, slots=True)
class Judgement:
    name: str
    elapsed_seconds: float | None  # None until started
    status: str  # met | breached | pending | not_started | excluded
    due_at: datetime | None  # None while paused by a hold, or before it starts
    stopped: bool


def span(spec: MilestoneSpec, start: datetime, end: datetime, calendar: BusinessCalendar) -> float:
    if end <= start:
        return 0.0
    if spec.clock == "24x7":
        return (end - start).total_seconds()
    return calendar.business_seconds(start, end)


def elapsed(
    spec: MilestoneSpec, clock: MilestoneClock, until: datetime, calendar: BusinessCalendar
) -> float:
    """Time on the milestone's clock from its start to its stop (or `until`), less holds."""
    if clock.started_at is None:
        return 0.0
    end = clock.stopped_at or until
    held = clock.held_seconds
    if clock.held_since is not None:
        held += span(spec, clock.held_since, end, calendar)
    return max(0.0, span(spec, clock.started_at, end, calendar) - held)


def judge(
    spec: MilestoneSpec, clock: MilestoneClock, as_of: datetime, calendar: BusinessCalendar
) -> Judgement:
    if clock.excluded:
        return Judgement(spec.name, None, "excluded", None, False)
    if clock.started_at is None:
        return Judgement(spec.name, None, "not_started", None, False)
    seconds = elapsed(spec, clock, as_of, calendar)
    stopped = clock.stopped_at is not None
    status = "breached" if seconds > spec.target_seconds else "met" if stopped else "pending"
    return Judgement(spec.name, seconds, status, due(spec, clock, calendar), stopped)


def due(spec: MilestoneSpec, clock: MilestoneClock, calendar: BusinessCalendar) -> datetime | None:
    """When the target runs out; None before the start and while paused by a hold."""
    if clock.started_at is None or (clock.held_since is not None and clock.stopped_at is None):
        return None
    if clock.due_at is None:
        budget = spec.target_seconds + clock.held_seconds
        if spec.clock == "24x7":
            clock.due_at = clock.started_at + timedelta(seconds=budget)
        else:
            clock.due_at = calendar.add_business(clock.started_at, budget)
    return clock.due_at
