"""Self-service requests over HTTP: a channel token leaves `received_by` out and the case is
received unowned, in the unclaimed queue, until the desk claims it or acts on it; a receiver
a channel names must be a known agent or supervisor, never the channel itself."""

from __future__ import annotations

from typing import Any

import pytest

from support.api_client import Api
from support.request_bodies import REPAIR

KEYS = iter(range(1, 10_000))


def submitted(api: Api, channel: str = "mini-program", **body: Any) -> Any:
    """A request the channel token `channel` records, with a fresh Idempotency-Key."""
    headers = {**api.auth(channel, "channel"), "Idempotency-Key": f"k-{next(KEYS)}"}
    return api.client.post(
        "/requests", json={**REPAIR, "channel": "wechat", **body}, headers=headers
    )


def unclaimed_ids(api: Api, **headers: str) -> list[str]:
    found = api.client.get(
        "/requests",
        params={"unclaimed": "true", "min_position": api.head()},
        headers=headers or api.agent,
    )
    assert found.status_code == 200, found.text
    return [item["id"] for item in found.json()["items"]]


def test_a_channel_records_a_self_service_request_unowned_and_it_waits_unclaimed(
    api: Api,
) -> None:
    created = submitted(api)
    assert created.status_code == 201, created.text
    case = created.json()
    assert (case["received_by"], case["first_contact_owner"]) == (None, None)
    assert (case["claimed_by"], case["claimed_at"]) == (None, None)
    assert "claim" in case["allowed_commands"]
    assert case["milestones"][0]["name"] == "claim"
    owned = api.create("repair")
    assert unclaimed_ids(api) == [case["id"]]
    assert unclaimed_ids(api, **api.supervisor) == [case["id"]]
    params = {"unclaimed": "false", "min_position": api.head()}
    listed = api.client.get("/requests", params=params, headers=api.agent).json()["items"]
    assert [item["id"] for item in listed] == [owned["id"]]
    feed = api.client.get("/events", headers=api.analyst).json()["events"]
    assert feed[0]["data"]["received_by"] is None


def test_the_first_agent_to_claim_it_owns_it_and_a_second_claim_is_refused_naming_them(
    api: Api,
) -> None:
    case = submitted(api).json()
    claimed = api.act(case["id"], "claim")
    assert claimed.status_code == 200, claimed.text
    after = claimed.json()
    assert (after["first_contact_owner"], after["claimed_by"], after["received_by"]) == (
        "desk-zhang",
        "desk-zhang",
        None,
    )
    assert "claim" not in after["allowed_commands"]
    assert unclaimed_ids(api) == []
    head = api.head()
    again = api.act(case["id"], "claim", **api.supervisor)
    assert again.status_code == 409, again.text
    problem = again.json()
    assert (problem["type"].rsplit("/", 1)[-1], problem["owner"]) == ("already-owned", "desk-zhang")
    assert "'desk-zhang' owns it already (首问人)" in problem["detail"]
    assert api.head() == head
    history = api.client.get(f"/requests/{case['id']}/history", headers=api.supervisor).json()
    assert [(e["type"], e["actor"]) for e in history["events"]] == [
        ("Received", "mini-program"),
        ("Claimed", "desk-zhang"),
    ]


def test_a_supervisor_who_dispatches_an_unclaimed_case_claims_it_first(api: Api) -> None:
    case = submitted(api).json()
    answer = api.act(case["id"], "dispatch", {"assignee": "eng-wang"}, **api.supervisor)
    assert answer.status_code == 200, answer.text
    assert answer.json()["first_contact_owner"] == "boss-liu"
    history = api.client.get(f"/requests/{case['id']}/history", headers=api.supervisor).json()
    assert [(e["type"], e["actor"]) for e in history["events"][1:]] == [
        ("Claimed", "boss-liu"),
        ("Dispatched", "boss-liu"),
    ]


@pytest.mark.parametrize("role", ["worker", "analyst", "channel", "admin"])
def test_only_agents_and_supervisors_may_claim(api: Api, role: str) -> None:
    case = submitted(api).json()
    head = api.head()
    name = "root" if role == "admin" else f"someone-{role}"
    answer = api.act(case["id"], "claim", **api.auth(name, role))
    assert answer.status_code in (403, 404), answer.text
    assert api.head() == head


def test_a_channel_may_name_a_known_agent_or_supervisor_as_the_receiver(api: Api) -> None:
    api.auth("desk-li", "agent")
    created = submitted(api, received_by="desk-li")
    assert created.status_code == 201, created.text
    assert created.json()["first_contact_owner"] == "desk-li"
    api.auth("boss-liu", "supervisor")
    assert submitted(api, received_by="boss-liu").status_code == 201


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("desk-nobody", "'desk-nobody' is not a known staff member"),
        ("mini-program", "'mini-program' is this channel token's own name"),
        ("hotline", "'hotline' is a channel's name, not an agent's or a supervisor's"),
        ("eng-wang", "'eng-wang' is a worker's name, not an agent's or a supervisor's"),
    ],
)
def test_a_receiver_who_is_no_known_agent_or_supervisor_is_refused_saying_who_may_be(
    api: Api, name: str, problem: str
) -> None:
    api.auth("hotline", "channel")
    api.auth("eng-wang", "worker")
    head = api.head()
    refused = submitted(api, received_by=name)
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["errors"]
    assert error["field"] == "body.received_by"
    assert error["message"].startswith(problem)
    assert "name the agent or supervisor who received the request" in error["message"]
    assert "leave received_by out" in error["message"]
    assert api.head() == head


def test_a_revoked_agent_is_no_longer_a_receiver_a_channel_may_name(api: Api) -> None:
    api.auth("desk-gone", "agent")
    assert api.tokens.revoke("desk-gone")
    assert submitted(api, received_by="desk-gone").status_code == 422


def test_a_name_refused_as_unknown_may_be_named_once_its_account_exists(api: Api) -> None:
    assert submitted(api, received_by="desk-new").status_code == 422
    api.auth("desk-new", "agent")
    assert submitted(api, received_by="desk-new").status_code == 201
    assert submitted(api, received_by="desk-new").status_code == 201  # believed a while


def test_a_staff_token_still_receives_its_requests_itself(api: Api) -> None:
    case = api.create("repair")
    assert (case["received_by"], case["first_contact_owner"]) == ("desk-zhang", "desk-zhang")
    assert "claim" not in case["allowed_commands"]
    assert "claim" not in [m["name"] for m in case["milestones"]]
