"""Cases built and driven with no application and no store: the aggregate's own methods,
stamps from a test clock, and replay of recorded events into a fresh aggregate."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from support.command_examples import EXAMPLES
from workflow.case import Case, Stamp
from workflow.errors import DomainError

# A working Monday morning: nothing depends on the day the tests run.
START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)

# What intake would have validated, per kind.
FIELDS: dict[str, dict[str, Any]] = {
    "repair": {
        "kind": "repair",
        "channel": "phone",
        "location": "3-2-1201",
        "area": "in_home",
        "category": "plumbing",
        "priority": "emergency",
        "description": "burst pipe in the kitchen",
        "details": {},
    },
    "complaint": {
        "kind": "complaint",
        "channel": "wechat",
        "location": "north gate",
        "area": "common",
        "category": "security",
        "priority": "normal",
        "description": "the barrier is stuck open at night",
        "details": {},
    },
    "renovation": {
        "kind": "renovation",
        "channel": "walk_in",
        "location": "5-1-302",
        "area": "in_home",
        "category": "partial",
        "priority": "normal",
        "description": "kitchen and bathroom",
        "details": {"contractor": "安居装饰", "workers": "4"},
    },
}

# Valid arguments of every command, as the aggregate's methods take them.
ARGUMENTS: dict[str, dict[str, Any]] = EXAMPLES

Step = str | tuple[str, dict[str, Any]]  # a command, or a command with its own arguments

_UNSATISFIED = ("callback", {"outcome": "unsatisfied"})
_REPAIR_DONE: list[Step] = ["dispatch", "sign", "arrive", "complete"]
_RENOVATION_DONE: list[Step] = ["approve", "request_acceptance", "pass_acceptance"]

# A way to every state of each kind, written from the domain (not read from the tables).
PATHS: dict[str, dict[str, list[Step]]] = {
    "repair": {
        "received": [],
        "dispatched": ["dispatch"],
        "signed": ["dispatch", "sign"],
        "on_site": ["dispatch", "sign", "arrive"],
        "quoted": ["dispatch", "sign", "arrive", "quote"],
        "on_hold": ["hold"],
        "completed": _REPAIR_DONE,
        "reopened": [*_REPAIR_DONE, _UNSATISFIED],
        "closed": [*_REPAIR_DONE, "callback"],
        "cancelled": ["cancel"],
    },
    "complaint": {
        "received": [],
        "dispatched": ["dispatch"],
        "on_hold": ["hold"],
        "completed": ["dispatch", "complete"],
        "reopened": ["dispatch", "complete", _UNSATISFIED],
        "closed": ["dispatch", "complete", "callback"],
        "invalid": ["invalidate"],
        "cancelled": ["cancel"],
    },
    "renovation": {
        "received": [],
        "dispatched": ["dispatch"],
        "on_hold": ["hold"],
        "approved": ["approve"],
        "acceptance_requested": ["approve", "request_acceptance"],
        "accepted": _RENOVATION_DONE,
        "completed": [*_RENOVATION_DONE, "refund_deposit"],
        "reopened": [*_RENOVATION_DONE, "refund_deposit", _UNSATISFIED],
        "rework": [*_RENOVATION_DONE, "refund_deposit", _UNSATISFIED, "dispatch"],
        "closed": [*_RENOVATION_DONE, "refund_deposit", "callback"],
        "rejected": ["reject"],
        "cancelled": ["cancel"],
    },
}


@dataclass
class Clock:
    """Hands out stamps a few minutes apart, so that each fact follows the one before."""

    now: datetime = START

    def stamp(
        self,
        actor: str = "agent-1",
        *,
        minutes: int = 5,
        ago: timedelta | None = None,
        **options: Any,
    ) -> Stamp:
        """A stamp `minutes` after the last; dated `ago` before it is recorded, if given."""
        self.now += timedelta(minutes=minutes)
        if ago is not None:
            options["at"] = self.now - ago
        return Stamp(actor, self.now, **options)


def received(
    kind: str,
    clock: Clock | None = None,
    *,
    received_by: str | None = "desk-zhang",
    actor: str | None = None,
    reporter_ref: str | None = None,
    **stamp_options: Any,
) -> Case:
    """A new case of `kind`, received by `received_by` (the actor too, unless named); by
    no one (None: a self-service request), recorded by its channel unless named."""
    recorder = actor or received_by or "wechat-mini"
    stamp = (clock or Clock()).stamp(recorder, minutes=0, **stamp_options)
    fields = {**FIELDS[kind], "received_by": received_by, "community": "default"}
    return Case.receive(uuid4(), stamp, reporter_ref=reporter_ref, fingerprint="-", **fields)


def act(case: Case, clock: Clock, step: Step, actor: str = "agent-1") -> None:
    """One command, with valid arguments unless the step names its own."""
    command, own = (step, {}) if isinstance(step, str) else step
    getattr(case, command)(clock.stamp(actor), **{**ARGUMENTS[command], **own})


def walked(
    kind: str, state: str, clock: Clock | None = None, *, reporter_ref: str | None = None
) -> Case:
    """A case of `kind` taken to `state` by the path written for it; one that names its
    reporter's record by `reporter_ref`, if given."""
    clock = clock or Clock()
    case = received(kind, clock, reporter_ref=reporter_ref)
    for step in PATHS[kind][state]:
        act(case, clock, step)
    assert case.state == state, f"the path to {state} reached {case.state}"
    return case


def replayed(events: Sequence[Any]) -> Case:
    """A fresh aggregate rebuilt from recorded events, as a repository rebuilds one."""
    case = None
    for event in events:
        case = event.mutate(case)
    assert isinstance(case, Case)
    return case


def refusal(case: Case, command: str, stamp: Stamp, **arguments: Any) -> DomainError:
    """Sends a command the case must refuse; checks that it recorded and changed nothing."""
    before = copy.deepcopy(vars(case))
    with pytest.raises(DomainError) as refused:
        getattr(case, command)(stamp, **arguments)
    assert vars(case) == before, f"the refused {command} changed the case"
    return refused.value
