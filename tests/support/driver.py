"""Drives cases through the real application with valid arguments for every declared command."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable
from typing import Any
from uuid import UUID

from workflow.case import Case
from workflow.declaration import Value
from workflow.declared import COMMANDS, declared
from workflow.intake import NewRequest
from workflow.personal_data import Reporter
from workflow.service import CaseService, Recorded
from workflow.vocabulary import CATEGORIES, Kind

ALL_COMMANDS: tuple[str, ...] = tuple(command.name for command in COMMANDS)
# Those sent with a body (`POST /requests/{id}/{wire name}`): the others take no text.
BODY_COMMANDS: tuple[str, ...] = tuple(c.name for c in COMMANDS if c.http_method == "POST")

_counter = itertools.count()

CATEGORY = {"repair": "plumbing", "complaint": "environment", "renovation": "partial"}
PRIORITY = {"repair": "normal", "complaint": "normal", "renovation": None}


def new_request(kind: str, **overrides: Any) -> NewRequest:
    fields: dict[str, Any] = {
        "kind": kind,
        "channel": "phone",
        "location": "3-2-1201",
        "category": CATEGORY[kind],
        "priority": PRIORITY[kind],
        "description": "water leaking from the ceiling",
        "received_by": "desk-1",
    }
    fields.update(overrides)
    return NewRequest(**fields)


# A request its resident submitted (self-service): received unowned, recorded by its channel.
SELF_SERVICE: dict[str, Any] = {"channel": "wechat", "received_by": None}
SELF_SERVICE_ACTOR = "wechat-mini"


def receive(app: CaseService, kind: str, **overrides: Any) -> UUID:
    request = new_request(kind, **overrides)
    actor = SELF_SERVICE_ACTOR if request.received_by is None else None
    case_id: UUID = app.receive(request, actor=actor).case.id
    return case_id


# A request that names its reporter, whose record an erasure deletes.
WITH_REPORTER: dict[str, Any] = {"reporter": Reporter("王先生", "13800000000")}


def request_for(command: str) -> dict[str, Any]:
    """What a case's request must be for the command to apply: `claim` takes a case
    received unowned; `erase_reporter` one that names its reporter; every other command,
    one received by a staff member."""
    if command == "claim":
        return SELF_SERVICE
    return WITH_REPORTER if command == "erase_reporter" else {}


# A valid argument that depends on the case: a name other than the one a reassignment or
# a handover would repeat, a refund that adds up to the deposit, and a correction to
# another category of the case's kind and another unit.
CASE_DEPENDENT: dict[str, Callable[[Case, int], dict[str, Any]]] = {
    "amend": lambda case, unique: {
        "category": next(c for c in CATEGORIES[Kind(case.kind)] if c != case.category),
        "location": f"9-9-{unique % 99_999 + 1}",
    },
    "dispatch": lambda case, unique: {"assignee": f"worker-{unique}"},
    "handover": lambda case, unique: {"to": f"desk-next-{unique}"},
    "refund_deposit": lambda case, unique: {"refunded": str(case.deposit), "withheld": "0"},
}


def variants(app: CaseService, case_id: UUID, command: str) -> list[dict[str, Any]]:
    """Valid argument sets for a command on this case, from the examples its declaration
    gives: one for each value of a choice, where the outcome differs."""
    inputs = declared(command).inputs.fields
    example = {f.name: f.example for f in inputs if f.example is not None}
    depends = CASE_DEPENDENT.get(command)
    valid = {**example, **(depends(app.get(case_id), next(_counter)) if depends else {})}
    choices = [f for f in inputs if f.value is Value.CHOICE and f.choices is not None]
    picks = itertools.product(*[[(f.name, c.value) for c in f.choices or ()] for f in choices])
    return [{**valid, **dict(pick)} for pick in picks]


def run(
    app: CaseService, case_id: UUID, command: str, args: dict[str, Any], **opts: Any
) -> Recorded:
    return app.send(command, case_id, actor="agent-1", fields=args, **opts)


def paths_to_states(app: CaseService, kind: str) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """A shortest command path from intake to every reachable state, found by running them."""
    paths: dict[str, list[tuple[str, dict[str, Any]]]] = {"received": []}
    queue = deque([[]])  # type: deque[list[tuple[str, dict[str, Any]]]]
    while queue:
        path = queue.popleft()
        case_id = replay(app, kind, path)
        for command in app.get(case_id).allowed_commands():
            for args in variants(app, case_id, command):
                probe = replay(app, kind, path)
                reached = run(app, probe, command, args).case.state
                if reached not in paths:
                    paths[reached] = [*path, (command, args)]
                    queue.append(paths[reached])
    return paths


def replay(
    app: CaseService, kind: str, path: list[tuple[str, dict[str, Any]]], **overrides: Any
) -> UUID:
    """A new case taken along the path; `overrides`: its request's (`request_for`)."""
    case_id = receive(app, kind, **overrides)
    for command, args in path:
        fresh = variants(app, case_id, command)
        # keep the choices that decide the outcome, refresh what depends on the case
        choices = {f.name for f in declared(command).inputs.fields if f.value is Value.CHOICE}
        chosen = {**fresh[0], **{k: v for k, v in args.items() if k in choices}}
        run(app, case_id, command, chosen)
    return case_id
