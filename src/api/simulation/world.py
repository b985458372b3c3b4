"""The simulated communities: households, common areas, staff rosters and residents.

A company's service centre is shared: its hotline agents (on shifts) receive for every
community, and its supervisor, reviewer, patrols and departments work for all. Each
community besides has its own front desk (walk-ins and the suggestion box) and its own
engineers. A single community in `default` is the demo's original one, named as before.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from api.simulation.clock import SHIFTS, Shift, shift_of
from workflow.communities import DEFAULT_COMMUNITY
from workflow.personal_data import Reporter

# A typical high-rise: 2 entrances, 18 floors, 2 flats a floor on each entrance.
ENTRANCES = 2
FLOORS = 18
FLATS_PER_FLOOR = 2
ELEVATORS_PER_BUILDING = 2

FIXED_COMMON_AREAS = (
    "north gate",
    "south gate",
    "B1 car park",
    "B2 car park",
    "B1 bicycle store",
    "central garden",
    "playground",
    "clubhouse",
    "refuse station",
    "fire pump room",
)


@dataclass(frozen=True)
class Community:
    households: tuple[str, ...]  # building-entrance-room, e.g. 3-2-1201
    buildings: int
    code: str = DEFAULT_COMMUNITY

    @property
    def front_desk(self) -> tuple[str, ...]:
        """Its own desk clerks; the default community's desk is the shared roster."""
        if self.code == DEFAULT_COMMUNITY:
            return ()
        return (f"desk-{self.code}-1", f"desk-{self.code}-2")

    @property
    def engineers(self) -> tuple[str, ...]:
        return _own(ENGINEERS, self.code)

    def household(self, rng: random.Random) -> str:
        return rng.choice(self.households)

    def common_area(self, rng: random.Random) -> str:
        building = rng.randint(1, self.buildings)
        return rng.choice((*FIXED_COMMON_AREAS, f"building {building} lobby"))

    def elevator(self, rng: random.Random) -> str:
        building = rng.randint(1, self.buildings)
        return f"building {building} elevator {rng.randint(1, ELEVATORS_PER_BUILDING)}"


def build_community(households: int, code: str = DEFAULT_COMMUNITY) -> Community:
    units: list[str] = []
    building = 0
    while len(units) < households:
        building += 1
        for entrance in range(1, ENTRANCES + 1):
            for floor in range(1, FLOORS + 1):
                for flat in range(1, FLATS_PER_FLOOR + 1):
                    units.append(f"{building}-{entrance}-{floor}{flat:02d}")
    return Community(tuple(units[:households]), building, code)


# -- staff -----------------------------------------------------------------------

DESK_AGENTS = (
    "desk-zhang",
    "desk-li",
    "desk-wang",
    "desk-zhao",
    "desk-chen",
    "desk-liu",
    "desk-yang",
)
# Agents on the front desk per shift; seven agents cover the five daily slots,
# so everyone gets days off and no one works two shifts in a row.
STAFFING = {Shift.NIGHT: 1, Shift.DAY: 2, Shift.EVENING: 2}
_SLOTS_PER_DAY = sum(STAFFING.values())

ENGINEERS = ("eng-wang", "eng-zhou", "eng-sun", "eng-wu", "eng-zheng", "eng-feng")
ELEVATOR_CONTRACTOR = ("lift-ma", "lift-he")  # the elevator maintenance company's crew
DEPARTMENTS = {
    "engineering": "dept-engineering",
    "environment": "dept-cleaning",
    "security": "dept-security",
    "customer_service": "dept-service",
    "fees": "dept-finance",
}
REVIEWER = "review-hu"  # renovation applications and final acceptance
INSPECTORS = ("patrol-guo", "patrol-xu")  # patrol staff: inspections, issues found on rounds
FINANCE = "dept-finance"
SUPERVISOR = "sup-huang"


def on_duty(moment: datetime) -> tuple[str, ...]:
    """The front-desk agents on shift at `moment`, rotating day by day."""
    day, shift = shift_of(moment)
    first = day.toordinal() * _SLOTS_PER_DAY
    for earlier in SHIFTS[: SHIFTS.index(shift)]:
        first += STAFFING[earlier]
    return tuple(DESK_AGENTS[(first + i) % len(DESK_AGENTS)] for i in range(STAFFING[shift]))


def leaving_at(boundary: datetime) -> tuple[str, ...]:
    return on_duty(boundary - timedelta(seconds=1))


def crew_for(category: str, community: str | None) -> tuple[str, tuple[str, ...]]:
    """The team and the people who do a repair of this category in `community`."""
    if category == "elevator":
        return "elevator contractor", ELEVATOR_CONTRACTOR  # one contractor for them all
    return "engineering", _own(ENGINEERS, community or DEFAULT_COMMUNITY)


def _own(staff: tuple[str, ...], community: str) -> tuple[str, ...]:
    """A community's own people: the roster's names with the community's code."""
    if community == DEFAULT_COMMUNITY:
        return staff
    return tuple(f"{name}-{community}" for name in staff)


# -- residents -----------------------------------------------------------------------

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅"
_MOBILE_PREFIXES = ("135", "136", "138", "139", "150", "158", "186", "188", "177", "199")


def fake_reporter(rng: random.Random) -> Reporter:
    """A made-up resident: a plausible name and mobile number, never a real one."""
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
    phone = f"{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
    return Reporter(name=rng.choice(_SURNAMES) + given, phone=phone)
