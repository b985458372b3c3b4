"""`GET /requests/{id}/proof`: the case's events with inclusion proofs against a signed
checkpoint, checked offline; for supervisors, as the case history is."""

from __future__ import annotations

from projections.audit.proofs import check_proof
from support.api_client import Api
from support.audit import signed_through


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
