"""One case as it unfolds: a script that issues real commands and waits between them.

A script is a generator. It runs a command at the simulated present, then
yields the moment it wants to act next; the simulator resumes it then. What
the commands write is tallied, so the summary never has to re-read the store.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from api.simulation.arrivals import Arrival
from api.simulation.clock import SimClock, add_business, calling_from
from api.simulation.world import on_duty
from workflow.case import Case
from workflow.service import CaseService, Recorded

Script = Iterator[datetime]


@dataclass
class CaseView:
    """What the simulation remembers of a case between its commands."""

    kind: str
    community: str
    state: str
    owner: str | None  # None: received unowned, not yet claimed
    received_at: datetime
    is_open: bool


@dataclass
class Tally:
    cases: dict[UUID, CaseView] = field(default_factory=dict)
    events: int = 0
    activity: Counter[str] = field(default_factory=Counter)

    def record(self, recorded: Recorded, *marks: str) -> Case:
        case = recorded.case
        if recorded.created:  # a command on an unclaimed case writes Claimed before its own
            self.events += max(1, len(recorded.events))
        self.cases[case.id] = CaseView(
            case.kind, case.community, case.state, case.owner, case.received_at, case.is_open
        )
        self.activity.update(marks)
        return case


class Story:
    """The context a case's script works in: the app, the clock, its own random draws."""

    def __init__(
        self, app: CaseService, clock: SimClock, tally: Tally, arrival: Arrival, seed: int
    ) -> None:
        self.app = app
        self.clock = clock
        self.tally = tally
        self.arrival = arrival
        # One generator per case: a case's story does not shift when others change.
        self.rng = random.Random(f"{seed}:case:{arrival.number}")
        self.id: UUID | None = None

    @property
    def now(self) -> datetime:
        return self.clock.now

    @property
    def case_id(self) -> UUID:
        if self.id is None:
            raise RuntimeError("the case has not been received yet")
        return self.id

    def record(self, recorded: Recorded, *marks: str) -> Case:
        return self.tally.record(recorded, *marks)

    # -- random draws --------------------------------------------------------------

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def pick(self, options: tuple[str, ...], *, besides: str | None = None) -> str:
        return self.rng.choice([o for o in options if o != besides])

    def desk(self) -> str:
        """A front-desk agent on shift now."""
        return self.rng.choice(on_duty(self.now))

    # -- when to act next ------------------------------------------------------------

    def minutes(self, low: float, high: float) -> datetime:
        """Some minutes from now, around the clock."""
        return self.now + timedelta(seconds=round(self.rng.uniform(low, high) * 60))

    def hours(self, low: float, high: float) -> datetime:
        return self.minutes(low * 60, high * 60)

    def office_minutes(self, low: float, high: float, *, after: datetime | None = None) -> datetime:
        """Some minutes of office time from now (or `after`): nights and weekends do not count."""
        work = timedelta(seconds=round(self.rng.uniform(low, high) * 60))
        return add_business(after or self.now, work)

    def calling(self, moment: datetime) -> datetime:
        """`moment`, or the next time residents may be called, a few minutes into it."""
        allowed = calling_from(moment)
        if allowed == moment:
            return moment
        return allowed + timedelta(seconds=round(self.rng.uniform(0, 90) * 60))


def intake(story: Story, flow: Callable[[Story], Script]) -> Script:
    """Receive the request, absorb a channel's retry now and then, then follow the flow."""
    request = story.arrival.request
    # A resident's own request (received by no one) is recorded by its channel's integration.
    submitter = None if request.received_by is not None else f"{request.channel}-integration"
    case = story.record(story.app.receive(request, actor=submitter))
    story.id = case.id
    if request.channel in ("wechat", "web") and story.chance(0.04):
        # The integration timed out and posted again: the same case, nothing written.
        yield story.minutes(0.1, 0.5)
        again = story.app.receive(request, actor=submitter)
        story.record(again, *(() if again.created else ("intake retry absorbed",)))
    yield from flow(story)
