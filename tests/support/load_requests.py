"""What the load's clients send (intake bodies, how often each command is chosen, valid
arguments for each command) and the record of each logical request they drive (`Op`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from workflow.declared import COMMANDS
from workflow.roles import Role

INTAKE_BODIES: dict[str, dict[str, Any]] = {
    "repair": {
        "kind": "repair",
        "channel": "wechat",
        "location": "3-2-1201",
        "category": "plumbing",
        "priority": "normal",
    },
    "complaint": {
        "kind": "complaint",
        "channel": "wechat",
        "location": "north gate",
        "category": "security",
    },
    "renovation": {
        "kind": "renovation",
        "channel": "wechat",
        "location": "5-1-302",
        "category": "partial",
        "details": {"contractor": "安居装饰", "workers": "4"},
    },
}

# How often a client picks a command among those allowed: mostly forward, rarely an end.
WEIGHTS = {
    "dispatch": 6,
    "sign": 8,
    "arrive": 8,
    "quote": 2,
    "accept_quote": 6,
    "hold": 1,
    "resume": 8,
    "reply": 2,
    "complete": 8,
    "callback": 8,
    "handover": 1,
    "cancel": 0.3,
    "invalidate": 0.3,
    "approve": 6,
    "reject": 0.3,
    "inspect": 1,
    "request_acceptance": 6,
    "pass_acceptance": 6,
    "fail_acceptance": 1,
    "refund_deposit": 8,
    "resolve": 1,
    "amend": 0.5,
    "claim": 0,  # the load's channel names a receiver: its cases are owned from intake
}
# The load's staff token is a supervisor's: it sends the commands a supervisor may.
SENDABLE = frozenset(c.name for c in COMMANDS if Role.SUPERVISOR in c.roles)


def command_body(command: str, case: dict[str, Any], unique: str, rng: random.Random) -> Any:
    """Valid arguments for `command` on the case as last answered."""
    if command == "dispatch":
        return {"assignee": f"eng-{unique}", "team": "engineering"}
    if command == "quote":
        return {"amount": "120.50"}
    if command == "hold":
        return {"reason": "waiting for parts"}
    if command == "reply":
        return {"message": "we are on it"}
    if command == "complete":
        return {"resolution": "fixed"}
    if command == "callback":
        outcome = rng.choices(["satisfied", "unsatisfied", "unreachable"], [6, 2, 1])[0]
        return {"outcome": outcome, "comment": "called back"}
    if command == "handover":
        return {"to": f"desk-{unique}", "reason": "shift change"}
    if command == "cancel":
        return {"reason": "resident withdrew"}
    if command == "invalidate":
        return {"reason": "outside remit", "explanation": "the city handles street lights"}
    if command == "approve":
        return {"permit_no": f"P-{unique}", "deposit": "2000.00", "fee": "300.00"}
    if command in ("reject", "fail_acceptance"):
        return {"reasons": "drawings missing"}
    if command == "inspect":
        return {"findings": "all in order"}
    if command == "refund_deposit":
        return {"refunded": case.get("deposit") or "0.00", "withheld": "0.00"}
    if command == "resolve":
        return {"resolution": "reset the breaker"}
    if command == "amend":  # a unit other than the case's: always a correction
        unit = next(u for u in ("9-9-901", "9-9-902") if u != case.get("location"))
        return {"location": unit, "reason": "wrong unit"}
    return {}


@dataclass
class Op:
    """One logical request a client drives to an answer, however many attempts it takes."""

    client: int
    kind: str  # intake | command | intake-conflict | stale | not-allowed
    note: str  # unique per op: how the op is found in the event log
    case_id: str
    command: str | None = None
    attempts: int = 0
    uncertain: bool = False  # an attempt got no answer: it may have been written
    statuses: list[int] = field(default_factory=list)
    outcome: str = ""  # acknowledged | recovered | rejected
    version: int | None = None  # the version a 2xx answer's ETag named

    @property
    def written(self) -> bool:
        return self.outcome in ("acknowledged", "recovered")
