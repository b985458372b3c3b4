"""当场解决 over HTTP: agents and supervisors settle a received repair or complaint; the case
answer shows it completed with its work milestones excluded; other roles write nothing."""

from __future__ import annotations

from typing import Any

import pytest

from support.api_client import Api
from support.request_bodies import REPAIR

SETTLED = {"resolution": "water off for maintenance until 16:00; told the resident"}


def resolve(api: Api, case_id: str, headers: dict[str, str], body: Any = SETTLED) -> Any:
    return api.client.post(f"/requests/{case_id}/resolve", json=body, headers=headers)


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_the_desk_resolves_a_received_repair_and_the_answer_shows_it_completed(
    api_on: Api, role: str
) -> None:
    case = api_on.create("repair")
    answer = resolve(api_on, case["id"], api_on.auth(f"desk-{role}", role))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["state"], body["resolution"], body["assignee"]) == (
        "completed",
        SETTLED["resolution"],
        None,
    )
    assert body["allowed_commands"] == ["callback", "handover", "amend", "cancel", "urge"]
    statuses = {m["name"]: m["status"] for m in body["milestones"]}
    assert statuses == {
        "dispatch": "excluded",
        "on_site": "excluded",
        "completion": "excluded",
        "callback": "pending",
    }


@pytest.mark.parametrize("role", ["channel", "worker", "analyst", "admin"])
def test_other_roles_may_not_resolve_at_first_contact(api_on: Api, role: str) -> None:
    api_on.auth("desk-zhang", "agent")  # a receiver a channel names is a known agent
    created = api_on.client.post(
        "/requests",
        json={**REPAIR, "received_by": "desk-zhang"},
        headers={**api_on.auth("hotline", "channel"), "Idempotency-Key": "k-1"},
    )
    case_id = created.json()["id"]
    head = api_on.head()
    # The channel is the one that created the case: its role still may not resolve it.
    name = "hotline" if role == "channel" else f"someone-{role}"
    answer = resolve(api_on, case_id, api_on.auth(name, role))
    assert answer.status_code == 403, answer.text
    assert "may not resolve" in answer.json()["detail"]
    assert api_on.head() == head


def test_a_dispatched_case_or_a_renovation_cannot_be_resolved_at_first_contact(
    api_on: Api,
) -> None:
    repair = api_on.create("repair")
    assert api_on.act(repair["id"], "dispatch", {"assignee": "eng-wang"}).status_code == 200
    renovation = api_on.create("renovation")
    head = api_on.head()
    for case_id, kind, state in (
        (repair["id"], "repair", "dispatched"),
        (renovation["id"], "renovation", "received"),
    ):
        answer = resolve(api_on, case_id, api_on.agent)
        assert answer.status_code == 409, answer.text
        assert answer.json()["detail"].startswith(f"cannot resolve {kind} in state '{state}'")
    assert api_on.head() == head


@pytest.mark.parametrize("body", [None, {}, {"resolution": ""}], ids=["none", "empty", "blank"])
def test_a_resolution_is_required(api_on: Api, body: Any) -> None:
    case = api_on.create("complaint")
    head = api_on.head()
    answer = resolve(api_on, case["id"], api_on.agent, body)
    assert answer.status_code == 422, answer.text
    assert api_on.head() == head
