"""The role x route matrix: each role may call exactly its routes; the rest answer 403."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from support.api_client import Api, running
from support.command_examples import WIRE_EXAMPLES
from support.request_bodies import REPAIR
from workflow.declared import COMMANDS

NAMES = {
    "channel": "hotline",
    "agent": "desk-zhang",
    "worker": "eng-wang",
    "supervisor": "boss-liu",
    "analyst": "ana-chen",
    "admin": "root",
}
STAFF = {"agent", "supervisor"}
# Admins may also write, to bring history over from another system.
WRITERS = {*STAFF, "admin"}
WORKER_COMMANDS = {"sign", "arrive", "quote", "accept-quote", "complete", "hold", "resume"}
# Commands whose senders are not the writers: the resident's chase comes in by the hotline
# system or to a desk agent; only the desk settles a call at first contact, corrects what
# intake took down, and claims a self-service request.
# Only an administrator erases a reporter's personal data (PIPL).
OTHER_SENDERS = {
    "urge": {"channel", "agent"},
    "resolve": STAFF,
    "amend": STAFF,
    "claim": STAFF,
    "erase-reporter": {"admin"},
}
BODY = WIRE_EXAMPLES
_keys = itertools.count()

# (method, path, allowed roles); {id} is a case the channel created, dispatched to the worker.
ROUTES: list[tuple[str, str, set[str]]] = [
    ("POST", "/requests", {"channel", *WRITERS}),
    ("GET", "/requests", {"channel", "worker", *STAFF}),
    ("GET", "/requests/{id}", {"channel", "worker", *STAFF}),
    ("GET", "/requests/{id}/history", {"supervisor"}),
    *[
        (
            c.http_method,
            f"/requests/{{id}}/{c.http_path}",
            OTHER_SENDERS.get(
                c.wire_name, WRITERS | ({"worker"} if c.wire_name in WORKER_COMMANDS else set())
            ),
        )
        for c in COMMANDS
    ],
    ("GET", "/reports/sla", {"supervisor", "analyst"}),
    ("GET", "/reports/first-contact", {"supervisor", "analyst"}),
    ("GET", "/events", {"supervisor", "analyst"}),
    ("GET", "/tokens", {"admin"}),
    ("POST", "/tokens", {"admin"}),
    ("DELETE", "/tokens/nobody", {"admin"}),
    ("GET", "/webhooks", {"admin"}),
    ("POST", "/webhooks", {"admin"}),
    ("GET", "/webhooks/deliveries", {"admin"}),
    ("GET", "/webhooks/ep_0123456789abcdef", {"admin"}),
    ("DELETE", "/webhooks/ep_0123456789abcdef", {"admin"}),
]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with running(str(tmp_path_factory.mktemp("roles") / "propdesk.db")) as found:
        for role, name in NAMES.items():
            found.auth(name, role)
        yield found


def new_case(api: Api) -> str:
    """A repair the channel token created, dispatched to the worker token."""
    response = api.client.post(
        "/requests",
        json={**REPAIR, "received_by": "desk-zhang"},
        headers={**api.auth("hotline", "channel"), "Idempotency-Key": f"k-{next(_keys)}"},
    )
    assert response.status_code == 201, response.text
    case_id: str = response.json()["id"]
    dispatched = api.act(case_id, "dispatch", {"assignee": "eng-wang"})
    assert dispatched.status_code == 200, dispatched.text
    return case_id


def call(api: Api, method: str, path: str, headers: dict[str, str]) -> Any:
    case_id = new_case(api) if "{id}" in path else ""
    url = path.replace("{id}", case_id)
    command = path.rsplit("/", 1)[-1]  # a command's wire name (a POST's)
    body: dict[str, Any] | None = BODY.get(command) if "{id}/" in path else None
    if path == "/requests":
        body = {**REPAIR, "received_by": "desk-zhang"}
        headers = {**headers, "Idempotency-Key": f"k-{next(_keys)}"}
    elif path == "/tokens":
        body = {"name": f"t-{next(_keys)}", "role": "analyst"}
    elif path == "/webhooks":
        body = {"url": "https://93.184.216.34/hook", "events": ["case.closed"]}
    return api.client.request(method, url, json=body if method == "POST" else None, headers=headers)


@pytest.mark.parametrize(
    ("method", "path", "allowed"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
@pytest.mark.parametrize("role", list(NAMES))
def test_each_role_may_call_exactly_its_routes(
    shared: Api, role: str, method: str, path: str, allowed: set[str]
) -> None:
    response = call(shared, method, path, shared.auth(NAMES[role], role))
    if role in allowed:
        # Allowed: past authorisation, and an answer that is not a failure (a domain
        # refusal such as 404 for an unknown token, 409 or 422 is fine).
        assert response.status_code not in (401, 403, 405), response.text
        assert response.status_code < 500, response.text
    else:
        assert response.status_code == 403, response.text
        problem = response.json()
        assert response.headers["content-type"] == "application/problem+json"
        assert problem["status"] == 403
        assert f"{role} token may not" in problem["detail"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer pd_unknown"}, {"Authorization": "Basic dXNlcjpwdw=="}],
    ids=["no token", "unknown token", "not a bearer"],
)
def test_every_route_but_health_needs_a_known_token(
    shared: Api, method: str, path: str, allowed: set[str], headers: dict[str, str]
) -> None:
    response = shared.client.request(
        method, path.replace("{id}", new_case(shared)), headers=headers
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_health_needs_no_token(shared: Api) -> None:
    assert shared.client.get("/health").status_code == 200


def test_a_channel_reads_only_the_cases_it_created(shared: Api) -> None:
    case_id = new_case(shared)
    other = shared.auth("web-form", "channel")
    assert shared.client.get(f"/requests/{case_id}", headers=other).status_code == 404
    fresh = {"min_position": shared.head()}
    own = shared.client.get("/requests", params=fresh, headers=shared.auth("hotline", "channel"))
    assert own.json()["items"][0]["id"] == case_id  # newest first
    assert shared.client.get("/requests", headers=other).json()["items"] == []


def test_a_worker_acts_on_and_reads_only_the_cases_assigned_to_it(shared: Api) -> None:
    case_id = new_case(shared)
    stranger = shared.auth("eng-zhao", "worker")  # never assigned anything
    assert shared.client.get(f"/requests/{case_id}", headers=stranger).status_code == 404
    assert shared.client.post(f"/requests/{case_id}/sign", headers=stranger).status_code == 404
    fresh = {"min_position": shared.head()}
    mine = shared.client.get("/requests", params=fresh, headers=shared.auth("eng-wang", "worker"))
    mine = mine.json()
    assert mine["items"][0]["id"] == case_id  # newest first
    assert all(c["assignee"] == "eng-wang" for c in mine["items"])
    assert shared.client.get("/requests", headers=stranger).json()["items"] == []


def test_a_worker_records_the_residents_acceptance_of_a_quote_on_its_own_case(
    shared: Api,
) -> None:
    case_id = new_case(shared)
    worker = shared.auth("eng-wang", "worker")
    for command, body in (("sign", None), ("arrive", None), ("quote", {"amount": "80"})):
        answer = shared.client.post(f"/requests/{case_id}/{command}", json=body, headers=worker)
        assert answer.status_code == 200, answer.text
    stranger = shared.auth("eng-zhao", "worker")
    refused = shared.client.post(f"/requests/{case_id}/accept-quote", headers=stranger)
    assert refused.status_code == 404
    accepted = shared.client.post(f"/requests/{case_id}/accept-quote", headers=worker)
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["state"], accepted.json()["quote_accepted"]) == ("on_site", True)


def test_the_actor_of_a_command_is_the_token_name(shared: Api) -> None:
    case_id = new_case(shared)
    worker = shared.auth("eng-wang", "worker")
    assert shared.client.post(f"/requests/{case_id}/sign", headers=worker).status_code == 200
    history = shared.client.get(f"/requests/{case_id}/history", headers=shared.supervisor).json()
    assert [e["actor"] for e in history["events"]] == ["hotline", "desk-zhang", "eng-wang"]


def test_a_revoked_token_is_refused_at_once(shared: Api) -> None:
    headers = shared.auth("temp-desk", "agent")
    assert shared.client.get("/requests", headers=headers).status_code == 200
    admin = shared.auth("root", "admin")
    assert shared.client.delete("/tokens/temp-desk", headers=admin).status_code == 204
    assert shared.client.get("/requests", headers=headers).status_code == 401
