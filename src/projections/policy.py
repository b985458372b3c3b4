"""SLA policies: TOML files naming each milestone's start, stop, target and clock.

The file is validated with pydantic models; the read side then works with
plain frozen dataclasses, which are read millions of times during a rebuild.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time
from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)

from projections.calendar import BusinessCalendar, SuppliedYear
from projections.policy_messages import describe, milestone_place
from workflow.vocabulary import PRIORITIES, Kind

Signal = Literal[
    "received", "received_unowned", "claimed", "dispatched", "arrived", "completed",
    "replied", "decided", "acceptance_requested", "acceptance_decided", "callback_reached",
]  # fmt: skip
# The start of a milestone that applies only to a case received with no one to own it (a
# self-service request), given by its receipt; other cases do not have the milestone.
RECEIVED_UNOWNED = "received_unowned"

_SHARE = re.compile(r"^\s*(\d{1,2}(?:\.\d+)?)\s*%\s*$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d)\s*$")
_UNIT_SECONDS = {"m": 60, "min": 60, "h": 3600, "d": 86400}


class PolicyError(ValueError):
    """The policy file cannot be used; the message names the file and the field."""


def duration_seconds(text: str) -> float | None:
    """The seconds in a duration such as 10m, 24h or 3d; None when it is not one."""
    match = _DURATION.match(text)
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)] if match else None


@dataclass(frozen=True, slots=True)
class MilestoneSpec:
    name: str
    kind: str
    priority: str | None
    start: str
    stop: tuple[str, ...]
    target: str
    target_seconds: float
    clock: str  # "24x7" or "business"
    hold_pauses: bool
    # The share of the target after which a running milestone is warned about as at risk.
    # It changes no judgement, so it is not part of the policy's digest.
    at_risk: float = 0.8

    def applies_to(self, kind: str, priority: str) -> bool:
        return self.kind == kind and (self.priority is None or self.priority == priority)


@dataclass(frozen=True)
class CommunityPolicy:
    """A community's own policy from an instant on: version `version` of the community in
    the deployment's registry (version 0 is the deployment's policy itself)."""

    community: str
    version: int
    starts: datetime  # milestones that start at or after it are judged under `policy`
    recorded_at: datetime
    policy: Policy


@dataclass(frozen=True)
class Policy:
    name: str
    effective: date
    opens: time
    closes: time
    years: tuple[SuppliedYear, ...]
    milestones: tuple[MilestoneSpec, ...]
    _applicable: dict[tuple[str, str, bool], tuple[MilestoneSpec, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # The communities' own policies, each from its instant: the deployment's policy book.
    # Not part of the digest: a version applies only to milestones starting after it was
    # recorded, so adding one changes nothing the read models hold.
    communities: tuple[CommunityPolicy, ...] = field(default=(), compare=False, repr=False)

    def in_force(self, community: str, at: datetime) -> tuple[Policy, int]:
        """The policy a milestone of `community` starting at `at` is judged under, and its
        version (0: this one)."""
        found: tuple[Policy, int] = (self, 0)
        for own in self.communities:
            if own.community == community and own.starts <= at:
                found = (own.policy, own.version)
        return found

    def version(self, community: str, number: int) -> Policy:
        for own in self.communities:
            if own.community == community and own.version == number:
                return own.policy
        return self

    def known_by(self, moment: datetime) -> Policy:
        """The book as it stood at `moment`: versions recorded later left out."""
        known = tuple(c for c in self.communities if c.recorded_at <= moment)
        return self if known == self.communities else replace(self, communities=known)

    def milestones_for(
        self, kind: str, priority: str, unowned: bool = False
    ) -> tuple[MilestoneSpec, ...]:
        """Those of a case of this kind and priority; `unowned`: one received unowned,
        which alone has the milestones that start at `received_unowned`."""
        found = self._applicable.get((kind, priority, unowned))
        if found is None:
            found = tuple(
                m
                for m in self.milestones
                if m.applies_to(kind, priority) and (unowned or m.start != RECEIVED_UNOWNED)
            )
            self._applicable[(kind, priority, unowned)] = found
        return found

    def new_calendar(self) -> BusinessCalendar:
        return BusinessCalendar(
            opens=self.opens, closes=self.closes, supplied={y.year: y for y in self.years}
        )

    @property
    def digest(self) -> str:
        """Identifies the policy's content: read models built with another need a rebuild."""
        plain = asdict(replace(self, communities=()))
        content = {k: v for k, v in plain.items() if k not in ("_applicable", "communities")}
        content["milestones"] = [
            {k: v for k, v in m.items() if k != "at_risk"} for m in content["milestones"]
        ]
        encoded = json.dumps(content, default=str, sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()[:16]


# -- the file format -----------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Milestone(_Strict):
    name: Literal[
        "claim", "dispatch", "on_site", "completion", "first_reply", "review", "acceptance",
        "callback",
    ]  # fmt: skip
    kind: Literal["repair", "complaint", "renovation"]
    priority: str | None = None
    start: Signal
    stop: tuple[Signal, ...] = Field(min_length=1)
    target: str
    clock: Literal["24x7", "business"]
    hold_pauses: StrictBool
    at_risk: str | None = None  # e.g. "80%"; the policy's [warnings] share when absent

    @field_validator("at_risk")
    @classmethod
    def _share(cls, value: str | None) -> str | None:
        return None if value is None else _checked_share(value)

    @field_validator("target")
    @classmethod
    def _duration(cls, value: str) -> str:
        if not _DURATION.match(value):
            raise ValueError(f"{value!r} is not a duration such as 10m, 24h or 3d")
        return value

    @model_validator(mode="after")
    def _known_priority(self) -> _Milestone:
        allowed = PRIORITIES[Kind(self.kind)]
        if self.priority is not None and self.priority not in allowed:
            raise ValueError(
                f"`priority` {self.priority!r} is not a {self.kind} priority; "
                f"allowed: {', '.join(allowed)}"
            )
        return self

    def compiled(self, at_risk: str) -> MilestoneSpec:
        seconds = duration_seconds(self.target) or 0.0
        return MilestoneSpec(
            self.name,
            self.kind,
            self.priority,
            self.start,
            tuple(self.stop),
            self.target,
            seconds,
            self.clock,
            self.hold_pauses,
            share_of(self.at_risk or at_risk),
        )


def _checked_share(value: str) -> str:
    match = _SHARE.match(value)
    if not match or not 0 < float(match.group(1)) < 100:
        raise ValueError(f'{value!r} is not a share of the target such as "80%" (1% to 99%)')
    return value


def share_of(text: str) -> float:
    match = _SHARE.match(text)
    return float(match.group(1)) / 100 if match else 0.8


class _Warnings(_Strict):
    at_risk: str = "80%"

    @field_validator("at_risk")
    @classmethod
    def _share(cls, value: str) -> str:
        return _checked_share(value)


class _Year(_Strict):
    year: int
    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()


class _Calendar(_Strict):
    timezone: Literal["Asia/Shanghai"] = "Asia/Shanghai"
    opens: time = time(8, 30)
    closes: time = time(17, 30)
    years: tuple[_Year, ...] = ()


class _PolicyFile(_Strict):
    name: str = Field(min_length=1)
    effective: date
    calendar: _Calendar = _Calendar()
    warnings: _Warnings = _Warnings()
    milestone: tuple[_Milestone, ...] = Field(min_length=1)

    @field_validator("milestone")
    @classmethod
    def _once_each(cls, specs: tuple[_Milestone, ...]) -> tuple[_Milestone, ...]:
        first: dict[tuple[str, str, str], int] = {}
        for index, spec in enumerate(specs):
            for priority in [spec.priority] if spec.priority else PRIORITIES[Kind(spec.kind)]:
                key = (spec.kind, priority, spec.name)
                if key in first:
                    raise ValueError(
                        f"{milestone_place(index, spec.model_dump())}: {spec.kind}/{priority} "
                        f"has a `{spec.name}` milestone already (milestone {first[key] + 1})"
                    )
                first[key] = index
        return specs

    def compiled(self) -> Policy:
        opens, closes = self.calendar.opens, self.calendar.closes
        if closes <= opens:
            raise ValueError(
                f"calendar: `closes` ({closes:%H:%M}) must be after `opens` ({opens:%H:%M})"
            )
        years = tuple(
            SuppliedYear(y.year, frozenset(y.holidays), frozenset(y.workdays))
            for y in self.calendar.years
        )
        return Policy(
            self.name,
            self.effective,
            self.calendar.opens,
            self.calendar.closes,
            years,
            tuple(m.compiled(self.warnings.at_risk) for m in self.milestone),
        )


_FIELDS = {
    "policy": tuple(_PolicyFile.model_fields),
    "milestone": tuple(_Milestone.model_fields),
    "calendar": tuple(_Calendar.model_fields),
    "year": tuple(_Year.model_fields),
    "warnings": tuple(_Warnings.model_fields),
}


def default_policy_text() -> str:
    return files("projections").joinpath("policies/default.toml").read_text(encoding="utf-8")


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{source}: not valid TOML: {error}") from None
    try:
        return _PolicyFile.model_validate(raw).compiled()
    except ValidationError as error:
        problems = describe(error, raw, _FIELDS)
        if len(problems) == 1:
            raise PolicyError(f"{source}: {problems[0]}") from None
        listed = "".join(f"\n  {problem}" for problem in problems)
        raise PolicyError(f"{source}: {len(problems)} problems:{listed}") from None
    except ValueError as error:
        raise PolicyError(f"{source}: {error}") from None


def load_policy(path: Path | str | None = None) -> Policy:
    """The policy in `path`, or the shipped default."""
    if path is None:
        return parse_policy(default_policy_text(), "default policy")
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError(f"cannot read policy {file}: {error.strerror}") from None
    return parse_policy(text, str(file))
