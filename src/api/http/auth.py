"""Bearer tokens and roles: who may call which route, and on which cases.

| role       | may                                                                        |
| ---------- | -------------------------------------------------------------------------- |
| channel    | create requests (with an Idempotency-Key); on the cases it created: read   |
|            | them, send the commands declared for channels                              |
| agent      | create requests, read cases (with the reporter)                            |
| worker     | on the cases assigned to it: read them, with the reporter (to call before  |
|            | the visit), send the commands declared for workers                         |
| supervisor | create requests, read cases (with the reporter), case histories, reports,  |
|            | the event feed                                                             |
| analyst    | reports and the event feed: no personal data, no writes                    |
| admin      | tokens, webhooks; create requests and send commands dated as far back as   |
|            | need be, to bring history over from another system (no personal data      |
|            | shown)                                                                     |

Who may send each command is its declaration's (`workflow.declared`, listed in
docs/commands.md); the command routes require exactly those roles. A worker may send one
only on a case assigned to it, a channel only on a case it created; any other answers as
a missing case.

How far back each role may date an action (`at`, intake's `received_at`) is the
late-entry rule of its standing (`api/http/backdating.py`, docs/sla.md): channels and
workers are in the field, agents and supervisors at the desk, admins have the desk's
tolerance and no limit.

Every role is further bounded by the token's communities (`api/http/scopes.py`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security.base import SecurityBase
from fastapi.security.utils import get_authorization_scheme_param
from starlette.concurrency import run_in_threadpool

from api.http.problems import ApiProblem
from api.http.runtime import Runtime
from api.http.scopes import whole_company_only
from api.storage.tokens import Principal, Role

BEARER_DESCRIPTION = "A token from `propdesk token new NAME --role ROLE`; its name is the actor."
STAFF = (Role.AGENT, Role.SUPERVISOR)
INTAKE = (Role.CHANNEL, Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
CASE_READERS = (Role.CHANNEL, Role.AGENT, Role.WORKER, Role.SUPERVISOR)
SEES_PERSONAL_DATA = frozenset(STAFF)


# The dependencies are coroutines: FastAPI runs a plain `def` dependency in a worker
# thread, and the hop there and back costs more than their work.


async def runtime(request: Request) -> Runtime:
    found: Runtime = request.app.state.runtime
    return found


RuntimeDep = Annotated[Runtime, Depends(runtime)]


async def authenticate(rt: Runtime, authorization: str | None) -> Principal:
    """The caller, from its `Authorization` header: 401 when missing, unknown or revoked."""
    scheme, token = get_authorization_scheme_param(authorization)
    if not token or scheme.lower() != "bearer":
        raise ApiProblem(
            401,
            "unauthorized",
            "Not authenticated",
            "send a bearer token: Authorization: Bearer pd_... (see `propdesk token new`)",
            headers={"WWW-Authenticate": "Bearer"},
        )
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


class Bearer(SecurityBase):
    """A dependency: the caller, when its role is one of `roles`; 401 without a valid
    token, 403 for another role.

    A security scheme itself, so the OpenAPI document shows the bearer scheme on every
    route that takes one, and a single dependency: each level of FastAPI's dependency
    tree costs more per request than the check it would hold, as a check depending on
    FastAPI's HTTPBearer, with the runtime as a dependency of its own, did (its cost to
    intake is in docs/benchmarks.md).
    """

    def __init__(self, roles: tuple[Role, ...], action: str, whole_company: bool) -> None:
        self.model = HTTPBearerModel(description=BEARER_DESCRIPTION)
        self.scheme_name = "HTTPBearer"
        self.roles = roles
        self.action = action
        self.whole_company = whole_company

    async def __call__(self, request: Request) -> Principal:
        who = await authenticate(request.app.state.runtime, request.headers.get("authorization"))
        if who.role not in self.roles:
            raise forbidden(who, self.action, self.roles)
        if self.whole_company and who.communities is not None:
            raise whole_company_only(who, self.action)
        return who


def requires(*roles: Role, action: str, whole_company: bool = False) -> Bearer:
    """The dependency answering 403 unless the caller has one of `roles` (and, where
    `whole_company`, a scope of every community: what it does is not one community's)."""
    return Bearer(roles, action, whole_company)
