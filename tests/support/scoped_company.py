"""A company of two communities, `east` and `west`, and a token of every role for `east`.

Each role's token has the same name as one that, before its scope was narrowed, could
reach a case of `west`: the channel created it, the worker is assigned to it. So a west
case is kept from those tokens by their scope alone, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.routing import APIRoute

from api.http.auth import Bearer
from api.http.intake.route import RECEIVERS
from api.http.routes import commands, communities, events, proofs, reports, requests, sla, tokens
from support.api_client import Api
from support.request_bodies import REPAIR
from workflow.roles import Role

EAST, WEST = "east", "west"
NAMES = {
    Role.CHANNEL: "app-wx",
    Role.AGENT: "desk-zhang",
    Role.WORKER: "eng-wang",
    Role.SUPERVISOR: "boss-liu",
    Role.ANALYST: "ana-chen",
    Role.ADMIN: "it-li",
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Company:
    api: Api
    east: dict[Role, dict[str, str]]  # each role's headers, for `east` alone
    whole: dict[Role, dict[str, str]]  # tokens for every community, same roles
    west_case: dict[str, Any]  # created by the channel, dispatched to the worker

    def new_case(self, community: str = EAST, **overrides: Any) -> dict[str, Any]:
        """A repair the channel created for `community`, dispatched to the worker."""
        scope = self.east if community == EAST else self.whole
        return new_case(self.api, scope, community, **overrides)


ROUTERS = (requests, sla, proofs, commands, reports, events, communities, tokens)
_keys = iter(range(10**9))


def new_case(
    api: Api, tokens: dict[Role, dict[str, str]], community: str, **overrides: Any
) -> dict[str, Any]:
    headers = {**tokens[Role.CHANNEL], "Idempotency-Key": f"scoped-{next(_keys)}"}
    body = {**REPAIR, "community": community, "received_by": NAMES[Role.AGENT], **overrides}
    created = api.client.post("/requests", json=body, headers=headers)
    assert created.status_code == 201, created.text
    case: dict[str, Any] = created.json()
    sent = {"assignee": NAMES[Role.WORKER]}
    path = f"/requests/{case['id']}/dispatch"
    dispatched = api.client.post(path, json=sent, headers=tokens[Role.SUPERVISOR])
    assert dispatched.status_code == 200, dispatched.text
    return case


def company_of(api: Api) -> Company:
    admin = bearer(api.tokens.issue("it-chen", "admin"))
    for code, name in ((EAST, "东苑"), (WEST, "西苑")):
        added = api.client.post("/communities", json={"code": code, "name": name}, headers=admin)
        assert added.status_code == 201, added.text
    whole = {
        role: bearer(api.tokens.issue(f"{name}-all", role, None)) for role, name in NAMES.items()
    }
    before = {role: bearer(api.tokens.issue(name, role, None)) for role, name in NAMES.items()}
    west_case = new_case(api, before, WEST)
    for name in NAMES.values():
        assert api.tokens.revoke(name)
    east = {role: bearer(api.tokens.issue(name, role, {EAST})) for role, name in NAMES.items()}
    return Company(api, east, whole, west_case)


def roles_of(method: str, path: str) -> tuple[Role, ...]:
    """The roles the route at `path` admits, as its bearer dependency declares them."""
    for route in (r for module in ROUTERS for r in module.router.routes):
        if isinstance(route, APIRoute) and route.path == path and method in route.methods:
            if (method, path) == ("POST", "/requests"):
                return RECEIVERS.roles  # the intake route reads its token itself
            bearers = [d.call for d in route.dependant.dependencies if isinstance(d.call, Bearer)]
            assert len(bearers) == 1, path
            return bearers[0].roles
    raise AssertionError(f"no route {method} {path}")
