"""A community's service requests, simulated through the real application.

A discrete-event simulation: every case is a script (see simulation_story)
queued by the moment it acts next. The queue runs in time order, setting the
application's clock to each moment first, so a command's occurrence time and
its recorded time follow the simulation as they would follow a real day.
Steps due after the period are never run: those cases stay open, as in life.
Everything random comes from generators seeded by `seed`: one seed, one history.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from api.config.settings import Settings
from api.simulation.arrivals import arrival_times, draw_arrival
from api.simulation.clock import SHIFT_HOURS, SimClock, period_end, shift_changes
from api.simulation.flows import complaint, repair
from api.simulation.renovation import renovation
from api.simulation.story import Script, Story, Tally, intake
from api.simulation.world import build_community, leaving_at, on_duty
from api.storage.communities import CommunityStore
from api.wiring import open_service
from projections.calendar import SHANGHAI
from projections.community_policy import community_policy
from workflow.communities import DEFAULT_COMMUNITY
from workflow.service import CaseService

FLOWS = {"repair": repair, "complaint": complaint, "renovation": renovation}
# Share of a leaving agent's cases, received during the shift and still open,
# that are handed to the next shift rather than followed up on the agent's return.
HANDOVER_SHARE = 0.2
PROGRESS_EVERY = 100  # actions between progress reports
ADMIN = "it-admin"  # who records a community's new service level

Progress = Callable[[float, int], None]  # share of the period simulated, events written


@dataclass(frozen=True)
class Site:
    """A community of the scenario: its code, its name and its households."""

    code: str
    name: str
    households: int


@dataclass(frozen=True)
class Contract:
    """A community's new service level, taking effect `after_days` into the period: the
    admin records it at that midnight."""

    community: str
    policy: str  # the policy file's text
    after_days: int


@dataclass(frozen=True)
class Scenario:
    households: int = 2000
    days: int = 30
    seed: int = 7
    end: datetime | None = None  # when the period ends; default today 00:00 in Shanghai
    # The communities the households live in; none: one, the deployment's default.
    communities: tuple[Site, ...] = ()
    contracts: tuple[Contract, ...] = ()

    def __post_init__(self) -> None:
        if self.households < 1 or self.days < 1:
            raise ValueError("a scenario needs at least one household and one day")
        if self.communities and sum(c.households for c in self.communities) != self.households:
            raise ValueError("the communities' households must add up to the scenario's")

    def sites(self) -> tuple[Site, ...]:
        return self.communities or (Site(DEFAULT_COMMUNITY, "", self.households),)

    def period(self) -> tuple[datetime, datetime]:
        end = self.end or period_end()
        return end - timedelta(days=self.days), end


@dataclass(frozen=True)
class Outcome:
    start: datetime
    end: datetime
    tally: Tally


@dataclass
class _Queue:
    """Scripts by the moment they act next; ties run in the order they were queued."""

    end: datetime
    items: list[tuple[datetime, int, Script]] = field(default_factory=list)
    order: itertools.count[int] = field(default_factory=itertools.count)

    def push(self, when: datetime, script: Script) -> None:
        if when <= self.end:  # later steps are not run: the period is over
            heapq.heappush(self.items, (when, next(self.order), script))

    def pop(self) -> tuple[datetime, Script] | None:
        if not self.items:
            return None
        when, _, script = heapq.heappop(self.items)
        return when, script


def simulate(
    settings: Settings,
    scenario: Scenario,
    progress: Progress | None = None,
    tally: Tally | None = None,
) -> Outcome:
    """`tally`, when given, is filled as the run goes: it says what was written even when
    the run is interrupted."""
    start, end = scenario.period()
    clock = SimClock(start)
    app = open_service(settings, clock=clock)
    tally = Tally() if tally is None else tally
    try:
        queue = _Queue(end)
        numbers = itertools.count(1)  # one sequence: each case's own draws follow its number
        for site in scenario.sites():
            community = build_community(site.households, site.code)
            own = "" if site.code == DEFAULT_COMMUNITY else f"{site.code}:"
            draws = random.Random(f"{scenario.seed}:{own}arrivals")
            for at in arrival_times(site.households, start, end, draws):
                arrival = draw_arrival(next(numbers), at, community, draws)
                story = Story(app, clock, tally, arrival, scenario.seed)
                queue.push(at, intake(story, FLOWS[arrival.request.kind]))
        queue.push(start, _shift_changes(app, clock, tally, scenario.seed, start, end))
        for contract in scenario.contracts:
            queue.push(
                start + timedelta(days=contract.after_days), _new_level(app, settings, contract)
            )
        _run(queue, clock, tally, start, end, progress)
    finally:
        app.close()
    return Outcome(start, end, tally)


def _run(
    queue: _Queue,
    clock: SimClock,
    tally: Tally,
    start: datetime,
    end: datetime,
    progress: Progress | None,
) -> None:
    span = (end - start).total_seconds()
    for step in itertools.count(1):
        item = queue.pop()
        if item is None:
            break
        when, script = item
        clock.advance(when)
        following = next(script, None)
        if following is not None:
            queue.push(max(following, when), script)
        if progress is not None and step % PROGRESS_EVERY == 0:
            progress((clock.now - start).total_seconds() / span, tally.events)
    if progress is not None:
        progress(1.0, tally.events)


def _new_level(app: CaseService, settings: Settings, contract: Contract) -> Script:
    """The admin records the community's new policy, from the day that starts now."""
    registry = cast(CommunityStore, app.communities)
    own = community_policy(contract.policy, f"{contract.community}'s contract", settings.policy)
    at = app.clock()
    day = at.astimezone(SHANGHAI).date()
    registry.set_policy(contract.community, own, contract.policy, day, by=ADMIN, at=at)
    yield from ()  # a script that acts once


def _shift_changes(
    app: CaseService, clock: SimClock, tally: Tally, seed: int, start: datetime, end: datetime
) -> Script:
    """At each shift change (交接班) leaving agents hand some fresh open cases to the next shift."""
    rng = random.Random(f"{seed}:handovers")
    for boundary in shift_changes(start, end):
        yield boundary
        leaving, coming = leaving_at(boundary), on_duty(boundary)
        since = boundary - timedelta(hours=SHIFT_HOURS)
        for case_id, view in list(tally.cases.items()):
            if not (view.is_open and view.owner in leaving and view.received_at >= since):
                continue
            if rng.random() < HANDOVER_SHARE:
                recorded = app.handover(
                    case_id,
                    actor=view.owner,
                    to=rng.choice(coming),
                    reason="shift change",
                    at=clock.now,
                )
                tally.record(recorded, "handover")
