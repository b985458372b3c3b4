"""SLA policies: TOML files naming each milestone's start, stop, target and clock."""

from __future__ import annotations

import re
import tomllib
from datetime import date, time
from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from projections.calendar import BusinessCalendar, SuppliedYear

SIGNALS = (
    "received",
    "dispatched",
    "arrived",
    "completed",
    "replied",
    "decided",
    "acceptance_requested",
    "acceptance_decided",
    "callback_reached",
)
MILESTONES = (
    "dispatch",
    "on_site",
    "completion",
    "first_reply",
    "review",
    "acceptance",
    "callback",
)
KINDS = ("repair", "complaint", "renovation")
PRIORITIES = {
    "repair": ("emergency", "normal"),
    "complaint": ("normal", "major"),
    "renovation": ("normal",),
}

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d)\s*$")
_UNIT_SECONDS = {"m": 60, "min": 60, "h": 3600, "d": 86400}


class PolicyError(ValueError):
    """The policy file cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MilestoneSpec(_Strict):
    name: Literal[
        "dispatch", "on_site", "completion", "first_reply", "review", "acceptance", "callback"
    ]
    kind: Literal["repair", "complaint", "renovation"]
    priority: str | None = None
    start: Literal[SIGNALS]  # type: ignore[valid-type]
    stop: tuple[Literal[SIGNALS], ...] = Field(min_length=1)  # type: ignore[valid-type]
    target: str
    clock: Literal["24x7", "business"]
    hold_pauses: bool

    @field_validator("target")
    @classmethod
    def _duration(cls, value: str) -> str:
        if not _DURATION.match(value):
            raise ValueError(f"{value!r} is not a duration such as 10m, 24h or 3d")
        return value

    @property
    def target_seconds(self) -> float:
        match = _DURATION.match(self.target)
        if match is None:  # validated on load
            raise PolicyError(f"bad target {self.target!r}")
        return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]

    def applies_to(self, kind: str, priority: str) -> bool:
        return self.kind == kind and (self.priority is None or self.priority == priority)


class YearSpec(_Strict):
    year: int
    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()


class CalendarSpec(_Strict):
    timezone: Literal["Asia/Shanghai"] = "Asia/Shanghai"
    opens: time = time(8, 30)
    closes: time = time(17, 30)
    years: tuple[YearSpec, ...] = ()


class Policy(_Strict):
    name: str = Field(min_length=1)
    effective: date
    calendar: CalendarSpec = CalendarSpec()
    milestone: tuple[MilestoneSpec, ...] = Field(min_length=1)

    @field_validator("milestone")
    @classmethod
    def _consistent(cls, specs: tuple[MilestoneSpec, ...]) -> tuple[MilestoneSpec, ...]:
        seen: set[tuple[str, str, str]] = set()
        for spec in specs:
            allowed = PRIORITIES[spec.kind]
            if spec.priority is not None and spec.priority not in allowed:
                raise ValueError(
                    f"{spec.kind} priority {spec.priority!r} is not one of {', '.join(allowed)}"
                )
            for priority in [spec.priority] if spec.priority else allowed:
                key = (spec.kind, priority, spec.name)
                if key in seen:
                    raise ValueError(
                        f"milestone {spec.name!r} is defined twice for {spec.kind}/{priority}"
                    )
                seen.add(key)
        return specs

    def milestones_for(self, kind: str, priority: str) -> list[MilestoneSpec]:
        return [m for m in self.milestone if m.applies_to(kind, priority)]

    def new_calendar(self) -> BusinessCalendar:
        supplied = {
            y.year: SuppliedYear(y.year, frozenset(y.holidays), frozenset(y.workdays))
            for y in self.calendar.years
        }
        return BusinessCalendar(
            opens=self.calendar.opens, closes=self.calendar.closes, supplied=supplied
        )


def default_policy_text() -> str:
    return files("projections").joinpath("policies/default.toml").read_text(encoding="utf-8")


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{source}: not valid TOML: {error}") from None
    try:
        return Policy.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise PolicyError(f"{source}: {problems}") from None


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
