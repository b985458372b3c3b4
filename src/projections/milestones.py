"""One milestone's clock on one case: started, stopped, paused by holds, judged."""

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
    ) -> None:
        if self.started_at is None:
            if signal == spec.start:
                self.started_at = at
                if on_hold and spec.hold_pauses:
                    self.held_since = at
        elif self.running and signal in spec.stop:
            self.on_resume(spec, at, calendar)
            self.stopped_at = at

    def on_hold(self, spec: MilestoneSpec, at: datetime) -> None:
        if self.running and spec.hold_pauses and self.held_since is None:
            self.held_since = at

    def on_resume(self, spec: MilestoneSpec, at: datetime, calendar: BusinessCalendar) -> None:
        if self.held_since is not None:
            self.held_seconds += span(spec, self.held_since, at, calendar)
            self.held_since = None

    def on_end(self) -> None:
        """The case was cancelled (or ended as invalid): an unstopped milestone drops out."""
        if self.stopped_at is None:
            self.excluded = True


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


def judge(
    spec: MilestoneSpec, clock: MilestoneClock, as_of: datetime, calendar: BusinessCalendar
) -> Judgement:
    if clock.excluded:
        return Judgement(spec.name, None, "excluded", None, False)
    if clock.started_at is None:
        return Judgement(spec.name, None, "not_started", None, False)
    end = clock.stopped_at or as_of
    held = clock.held_seconds
    if clock.held_since is not None:
        held += span(spec, clock.held_since, end, calendar)
    elapsed = max(0.0, span(spec, clock.started_at, end, calendar) - held)
    target = spec.target_seconds
    stopped = clock.stopped_at is not None
    status = "breached" if elapsed > target else "met" if stopped else "pending"
    paused = clock.held_since is not None and not stopped
    return Judgement(
        spec.name,
        elapsed,
        status,
        None if paused else due_time(spec, clock.started_at, clock.held_seconds, calendar),
        stopped,
    )


def due_time(
    spec: MilestoneSpec, started_at: datetime, held_seconds: float, calendar: BusinessCalendar
) -> datetime:
    budget = spec.target_seconds + held_seconds
    if spec.clock == "24x7":
        return started_at + timedelta(seconds=budget)
    return calendar.add_business(started_at, budget)
