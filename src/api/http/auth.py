"""Bearer tokens and roles: who may call which route, and on which cases.

| role       | may                                                                        |
| ---------- | -------------------------------------------------------------------------- |
| channel    | create requests (with an Idempotency-Key); read the cases it created        |
| agent      | create requests, every case command, read cases (with the reporter)        |
| worker     | sign, arrive, quote, complete, hold, resume and read the cases assigned to it |
| supervisor | everything an agent may, case histories, reports, the event feed           |
| analyst    | reports and the event feed: no personal data, no writes                    |
| admin      | tokens                                                                     |
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.http.problems import ApiProblem
from api.http.runtime import Runtime
from api.tokens import Principal, Role

bearer = HTTPBearer(
    auto_error=False,
    description="A token from `propdesk token new NAME --role ROLE`; its name is the actor.",
)

STAFF = (Role.AGENT, Role.SUPERVISOR)
INTAKE = (Role.CHANNEL, Role.AGENT, Role.SUPERVISOR)
CASE_READERS = (Role.CHANNEL, Role.AGENT, Role.WORKER, Role.SUPERVISOR)
WORKER_COMMANDS = frozenset({"sign", "arrive", "quote", "complete", "hold", "resume"})
SEES_PERSONAL_DATA = frozenset(STAFF)


# The dependencies are coroutines: FastAPI runs a plain `def` dependency in a worker
# thread, and the hop there and back costs more than their work.


async def runtime(request: Request) -> Runtime:
    found: Runtime = request.app.state.runtime
    return found


RuntimeDep = Annotated[Runtime, Depends(runtime)]


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


async def principal(request: Request, credentials: Credentials) -> Principal:
    """The caller, from its bearer token: 401 when missing, unknown or revoked."""
    return await authenticate(request.app.state.runtime, credentials)


async def authenticate(rt: Runtime, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    # Called by the dependencies rather than declared as one of theirs: each level of
    # FastAPI's dependency tree costs more per request than the check itself.
    if credentials is None:
        raise ApiProblem(
            401,
            "unauthorized",
            "Not authenticated",
            "send a bearer token: Authorization: Bearer pd_... (see `propdesk token new`)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token = credentials.credentials
    # An indexed read of the local SQLite file takes microseconds: it runs on the event
    # loop. A PostgreSQL round trip, which may wait out an outage, runs in a worker thread.
    if rt.tokens.remote:
        found = await run_in_threadpool(rt.tokens.verify, token)
    else:
        found = rt.tokens.verify(token)
    if found is None:
        raise ApiProblem(
            401,
            "unauthorized",
            "Not authenticated",
            "the bearer token is unknown or revoked; ask an admin for a new one",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return found


def forbidden(who: Principal, action: str, allowed: tuple[Role, ...] = ()) -> ApiProblem:
    roles = f"; allowed roles: {', '.join(r.value for r in allowed)}" if allowed else ""
    article = "an" if who.role.value[0] in "aeiou" else "a"
    return ApiProblem(
        403,
        "forbidden",
        "Forbidden",
        f"{article} {who.role.value} token may not {action}{roles}",
    )


def requires(*roles: Role, action: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency answering 403 unless the caller has one of `roles`."""

    async def check(request: Request, credentials: Credentials) -> Principal:
        who = await authenticate(request.app.state.runtime, credentials)
        if who.role not in roles:
            raise forbidden(who, action, roles)
        return who

    return check
