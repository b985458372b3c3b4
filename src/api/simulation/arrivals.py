"""When requests arrive and what they say: a daily rhythm, a kind, a category, a channel."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from api.simulation import catalogue as texts
from api.simulation.clock import local
from api.simulation.world import INSPECTORS, Community, fake_reporter, on_duty
from workflow.communities import DEFAULT_COMMUNITY
from workflow.intake import NewRequest

REQUESTS_PER_HOUSEHOLD_A_MONTH = 0.7

# Relative arrivals by local hour: few at night, a morning bump, the evening peak
# when residents are home from work.
HOURLY = (
    0.15, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.7, 1.1, 1.3, 1.3, 1.1,
    0.9, 1.0, 1.1, 1.1, 1.1, 1.2, 1.8, 2.2, 2.3, 1.9, 1.0, 0.4,
)  # fmt: skip
WEEKEND = 1.35  # residents are at home and notice more

SELF_SERVICE_CHANNELS = ("wechat", "web")
KINDS = (("repair", 0.65), ("complaint", 0.25), ("renovation", 0.10))
EMERGENCY_SHARE = 0.10
MAJOR_COMPLAINT_SHARE = 0.05
HOME_CHANNELS = (
    ("phone", 0.42),
    ("wechat", 0.36),
    ("walk_in", 0.1),
    ("web", 0.06),
    ("email", 0.03),
    ("mailbox", 0.03),
)
COMMON_CHANNELS = (("patrol", 0.4), ("phone", 0.3), ("wechat", 0.25), ("walk_in", 0.05))
COMPLAINT_CATEGORIES = (
    ("environment", 0.3),
    ("security", 0.25),
    ("engineering", 0.2),
    ("fees", 0.15),
    ("customer_service", 0.1),
)
RENOVATION_CATEGORIES = (("full", 0.3), ("partial", 0.45), ("minor", 0.25))
DESK_OPEN_HOURS = range(8, 21)  # walk-ins and the suggestion box, by local hour
ANONYMOUS_SHARE = 0.15  # residents who give no name


@dataclass(frozen=True)
class Arrival:
    number: int
    at: datetime
    request: NewRequest


def arrival_times(
    households: int, start: datetime, end: datetime, rng: random.Random
) -> list[datetime]:
    """Poisson arrivals hour by hour, scaled so a month averages the target rate."""
    daily = households * REQUESTS_PER_HOUSEHOLD_A_MONTH / 30
    week_average = (5 + 2 * WEEKEND) / 7
    per_weight = daily / (sum(HOURLY) * week_average)
    times: list[datetime] = []
    hour = start
    while hour < end:
        here = local(hour)
        rate = per_weight * HOURLY[here.hour] * (WEEKEND if here.weekday() >= 5 else 1.0)
        seconds = sorted(rng.randrange(3600) for _ in range(_poisson(rate, rng)))
        times.extend(hour + timedelta(seconds=s) for s in seconds)
        hour += timedelta(hours=1)
    return [t for t in times if t < end]


def _poisson(rate: float, rng: random.Random) -> int:
    # Knuth's method: fine for the small hourly rates used here.
    limit, count, product = math.exp(-rate), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _pick(options: Sequence[tuple[str, float]], rng: random.Random) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


@dataclass(frozen=True)
class _Content:
    category: str
    location: str
    description: str
    at_home: bool
    priority: str | None = None
    details: dict[str, str] = field(default_factory=dict)


def draw_arrival(number: int, at: datetime, community: Community, rng: random.Random) -> Arrival:
    kind = _pick(KINDS, rng)
    draw = {"repair": _repair, "complaint": _complaint, "renovation": _renovation}[kind]
    content = draw(at, community, rng)
    channel = _pick(HOME_CHANNELS if content.at_home else COMMON_CHANNELS, rng)
    if kind == "renovation":
        channel = _pick((("walk_in", 0.6), ("wechat", 0.25), ("web", 0.15)), rng)
    if channel in ("walk_in", "mailbox") and local(at).hour not in DESK_OPEN_HOURS:
        channel = "phone"  # the desk is closed at night; residents call instead
    patrol = channel == "patrol"
    anonymous = patrol or (kind != "renovation" and rng.random() < ANONYMOUS_SHARE)
    receiver: str | None = rng.choice(_receivers(channel, at, community))
    # Seven in ten of the app's and the web's requests are residents' own (the mini-program,
    # a web form): received unowned, the desk's first command claims them. Chosen by number,
    # not drawn, so that every other draw of a simulation is what it was before.
    if channel in SELF_SERVICE_CHANNELS and number % 10 < 7:
        receiver = None
    request = NewRequest(
        kind=kind,
        channel=channel,
        location=content.location,
        category=content.category,
        priority=content.priority,
        description=content.description,
        received_by=receiver,
        community=None if community.code == DEFAULT_COMMUNITY else community.code,
        reporter=None if anonymous else fake_reporter(rng),
        received_at=at,
        idempotency_key=f"{channel}-{number}",  # as an integration would send it
        details=content.details,
    )
    return Arrival(number, at, request)


def _receivers(channel: str, at: datetime, community: Community) -> tuple[str, ...]:
    """Who first receives a request (首问人): patrols what they find on their rounds, the
    community's own desk its walk-ins and suggestion box, the hotline everything else."""
    if channel == "patrol":
        return INSPECTORS
    if channel in ("walk_in", "mailbox") and community.front_desk:
        return community.front_desk
    return on_duty(at)


def _location(where: str, community: Community, rng: random.Random) -> str:
    if where == "home":
        return community.household(rng)
    if where == "lift":
        return community.elevator(rng)
    return community.common_area(rng)


def _repair(at: datetime, community: Community, rng: random.Random) -> _Content:
    emergency = rng.random() < EMERGENCY_SHARE
    category, where, description = rng.choice(
        texts.EMERGENCY_REPAIRS if emergency else texts.NORMAL_REPAIRS
    )
    return _Content(
        category=category,
        location=_location(where, community, rng),
        description=description,
        at_home=where == "home",
        priority="emergency" if emergency else "normal",
    )


def _complaint(at: datetime, community: Community, rng: random.Random) -> _Content:
    category = _pick(COMPLAINT_CATEGORIES, rng)
    at_home = rng.random() < 0.7  # most complainants give their own flat
    return _Content(
        category=category,
        location=_location("home" if at_home else "common", community, rng),
        description=rng.choice(texts.COMPLAINTS[category]),
        at_home=at_home,
        priority="major" if rng.random() < MAJOR_COMPLAINT_SHARE else "normal",
    )


WORKS_DAYS = {"full": (30, 60), "partial": (8, 20), "minor": (2, 6)}


def _renovation(at: datetime, community: Community, rng: random.Random) -> _Content:
    category = _pick(RENOVATION_CATEGORIES, rng)
    start = local(at).date() + timedelta(days=rng.randint(3, 10))
    end = start + timedelta(days=rng.randint(*WORKS_DAYS[category]))
    return _Content(
        category=category,
        location=community.household(rng),
        description=rng.choice(texts.RENOVATION_SCOPES[category]),
        at_home=True,
        # The application's documents, as the renovation file lists them.
        details={
            "contractor": rng.choice(texts.CONTRACTORS),
            "contractor_licence": f"91310{rng.randrange(10**8):08d}",
            "planned_start": start.isoformat(),
            "planned_end": end.isoformat(),
            "workers": str(rng.randint(2, 8)),
            "documents": "property certificate, ID, plan and drawings, contractor licence",
        },
    )
