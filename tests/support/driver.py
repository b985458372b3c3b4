"""Drives cases through the real application with valid arguments for every command."""

from __future__ import annotations

import itertools
from collections import deque
from typing import Any
from uuid import UUID

from workflow.intake import NewRequest
from workflow.lifecycles import LIFECYCLES
from workflow.service import CaseService, Recorded

ALL_COMMANDS: tuple[str, ...] = tuple(
    dict.fromkeys(c for lc in LIFECYCLES.values() for c in lc.commands)
)

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


def receive(app: CaseService, kind: str, **overrides: Any) -> UUID:
    case_id: UUID = app.receive(new_request(kind, **overrides)).case.id
    return case_id


def variants(app: CaseService, case_id: UUID, command: str) -> list[dict[str, Any]]:
    """Valid argument sets for a command on this case (several where the outcome differs)."""
    case = app.get(case_id)
    unique = next(_counter)
    if command == "dispatch":
        return [{"assignee": f"worker-{unique}", "team": "engineering"}]
    if command == "quote":
        return [{"amount": "120.50"}]
    if command in ("hold",):
        return [{"reason": "waiting for parts"}]
    if command == "reply":
        return [{"message": "we are on it"}]
    if command == "complete":
        return [{"resolution": "fixed"}]
    if command == "callback":
        return [
            {"outcome": o, "comment": "ok"} for o in ("satisfied", "unsatisfied", "unreachable")
        ]
    if command == "handover":
        return [{"to": f"desk-{unique}", "reason": "shift change"}]
    if command in ("cancel",):
        return [{"reason": "resident withdrew"}]
    if command == "invalidate":
        return [{"reason": "outside remit", "explanation": "the city handles street lights"}]
    if command == "approve":
        return [{"permit_no": f"P-{unique}", "deposit": "2000", "fee": "300"}]
    if command in ("reject", "fail_acceptance"):
        return [{"reasons": "drawings missing"}]
    if command == "inspect":
        return [{"findings": "all in order", "violation": None}]
    if command == "refund_deposit":
        return [{"refunded": str(case.deposit), "withheld": "0"}]
    return [{}]


def run(
    app: CaseService, case_id: UUID, command: str, args: dict[str, Any], **opts: Any
) -> Recorded:
    method = getattr(app, command)
    result: Recorded = method(case_id, actor="agent-1", **args, **opts)
    return result


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


def replay(app: CaseService, kind: str, path: list[tuple[str, dict[str, Any]]]) -> UUID:
    case_id = receive(app, kind)
    for command, args in path:
        fresh = variants(app, case_id, command)
        # keep outcome-deciding arguments, refresh the ones that must be unique
        chosen = {**fresh[0], **{k: v for k, v in args.items() if k in ("outcome",)}}
        run(app, case_id, command, chosen)
    return case_id
