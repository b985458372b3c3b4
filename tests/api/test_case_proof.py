"""`GET /requests/{id}/proof`: the case's events with inclusion proofs against a signed
checkpoint, checked offline; for supervisors, as the case history is."""

from __future__ import annotations

import time

from api.http.runtime import Runtime
from projections.audit.proofs import check_proof
from support.api_client import Api


def signed_through(api: Api, size: int) -> None:
    """The follower thread signs as it goes (its interval is 60 s): wait for the first
    checkpoint, then sign the rest now, as `propdesk audit checkpoint --new` would."""
    runtime: Runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    assert runtime.follower is not None
    tree = runtime.follower.follower.companions[0]
    for _ in range(200):
        if tree.store.latest_checkpoint() is not None:  # type: ignore[attr-defined]
            break
        time.sleep(0.05)
    tree.follow()
    tree.checkpoint_if_due(force=True)  # type: ignore[attr-defined]
    latest = tree.store.latest_checkpoint()  # type: ignore[attr-defined]
    assert latest is not None
    assert latest.size >= size


def test_a_supervisor_gets_a_proof_that_verifies_offline_for_every_event_of_the_case(
    api_on: Api,
) -> None:
    case = api_on.create("repair")
    answer = api_on.act(case["id"], "dispatch", {"assignee": "eng-wang"}, **{"If-Match": '"1"'})
    assert answer.status_code == 200, answer.text
    signed_through(api_on, api_on.head())
    proof = api_on.client.get(f"/requests/{case['id']}/proof", headers=api_on.supervisor)
    assert proof.status_code == 200, proof.text
    document = proof.json()
    assert document["number"] == case["number"]
    assert [e["shown"]["type"] for e in document["events"]] == ["Received", "Dispatched"]
    checked = check_proof(document)
    assert checked.proven == [1, 2]
    assert checked.pending == []


def test_events_after_the_latest_checkpoint_come_without_a_proof_until_the_next(
    api_on: Api,
) -> None:
    case = api_on.create("repair")
    signed_through(api_on, api_on.head())
    api_on.act(case["id"], "dispatch", {"assignee": "eng-wang"}, **{"If-Match": '"1"'})
    document = api_on.client.get(f"/requests/{case['id']}/proof", headers=api_on.supervisor).json()
    checked = check_proof(document)
    assert checked.proven == [1]
    assert checked.pending == [2]


def test_agents_may_not_read_proofs_and_an_unknown_case_is_not_found(api_on: Api) -> None:
    case = api_on.create("repair")
    refused = api_on.client.get(f"/requests/{case['id']}/proof", headers=api_on.agent)
    assert refused.status_code == 403, refused.text
    unknown = api_on.client.get(
        "/requests/00000000-0000-4000-8000-000000000000/proof", headers=api_on.supervisor
    )
    assert unknown.status_code == 404, unknown.text
