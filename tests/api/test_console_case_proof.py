"""The console's case page offers supervisors the case's proof as a file; it verifies
offline, and other roles may neither see the link nor download it."""

from __future__ import annotations

from api.storage.users import UserStore
from projections.audit.proofs import check_proof
from support.api_client import Api
from support.audit import signed_through
from support.console import sign_in


def test_a_supervisor_downloads_a_proof_that_verifies_and_an_agent_may_not(
    api_on: Api, users: UserStore
) -> None:
    case = api_on.create("repair")
    signed_through(api_on, api_on.head())
    sign_in(api_on.client, users, "boss-liu", "supervisor")
    page = api_on.client.get(f"/console/cases/{case['id']}")
    assert "data-proof" in page.text
    got = api_on.client.get(f"/console/cases/{case['id']}/proof")
    assert got.status_code == 200, got.text
    assert got.headers["content-disposition"] == (
        f'attachment; filename="{case["number"]}-proof.json"'
    )
    assert check_proof(got.json()).proven == [1]

    sign_in(api_on.client, users, "desk-wu", "agent")
    assert "data-proof" not in api_on.client.get(f"/console/cases/{case['id']}").text
    refused = api_on.client.get(f"/console/cases/{case['id']}/proof")
    assert refused.status_code == 403
