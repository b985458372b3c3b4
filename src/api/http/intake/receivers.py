"""Who may be named as a request's receiver (首问人) by a channel token: a staff member the
deployment knows, never the channel itself.

Staff tokens and console accounts receive their requests themselves; a channel token names
the agent or supervisor who took the request, or no one, for a request its resident
submitted (mini-program, app, web form): the case is then received unowned, and the first
staff member to claim it owns it.
"""

from __future__ import annotations

import time

from starlette.concurrency import run_in_threadpool

from api.http.auth import STAFF
from api.http.problems import invalid_field
from api.http.runtime import Runtime
from api.storage.tokens import Principal, Role
from workflow import labels
from workflow.errors import InvalidInput
from workflow.intake import NewRequest

_ALLOWED = (
    "name the agent or supervisor who received the request (one with a token in use or a "
    "console account), or leave received_by out for a request its resident submitted, "
    "which the first staff member to claim it owns"
)


# A receiver found to be staff is believed for a while: an integration names the same few
# agents on every request, and intake should not read two tables for each (its figures in
# docs/benchmarks.md). A name not found, or of another role, is looked up every time, so a
# new account may be named at once; a revoked one may still be named for REMEMBERED seconds.
REMEMBERED = 60.0


def _known_staff(rt: Runtime, name: str) -> bool:
    until = rt.staff_seen.get(name)
    return until is not None and until > time.monotonic()


def _remember_staff(rt: Runtime, name: str) -> None:
    seen = rt.staff_seen
    if len(seen) > 10_000:  # names are few; a flood of distinct ones is forgotten at once
        seen.clear()
    seen[name] = time.monotonic() + REMEMBERED


def role_of(rt: Runtime, name: str) -> Role | None:
    """The role of the token in use, or else of the active console account, named `name`."""
    role = rt.tokens.role_of(name)
    if role is None:
        account = rt.users.principal(name)
        role = account.role if account is not None else None
    return role


async def check_receiver(rt: Runtime, who: Principal, request: NewRequest) -> None:
    """Refuses a channel's `received_by` that names no known staff member (422)."""
    if who.role is not Role.CHANNEL or request.received_by is None:
        return
    try:
        name = labels.name("received_by", request.received_by)
    except InvalidInput:
        return  # intake refuses it, saying what a staff name is
    if name == who.name:
        _refuse(f"{name!r} is this channel token's own name, and a channel is no staff member")
    # An indexed read of the local SQLite file runs on the event loop, as a token's check
    # does; a PostgreSQL round trip in a worker thread.
    if _known_staff(rt, name):
        return
    remote = rt.tokens.remote or rt.users.remote
    role = await run_in_threadpool(role_of, rt, name) if remote else role_of(rt, name)
    if role is None:
        _refuse(f"{name!r} is not a known staff member")
    elif role not in STAFF:
        _refuse(f"{name!r} is a {role.value}'s name, not an agent's or a supervisor's")
    _remember_staff(rt, name)


def _refuse(problem: str) -> None:
    raise invalid_field("body.received_by", f"{problem}; {_ALLOWED}")
