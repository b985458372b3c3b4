"""Self-service requests on the console: the queue counts and lists the cases no one has
claimed, the case page shows it unclaimed and offers the claim; whoever claims it (or
acts on it first) becomes its first-contact owner, shown in the chain."""

from __future__ import annotations

import re

from test_console_callbacks import caught_up
from test_self_service_over_http import submitted

from api.storage.users import UserStore
from support.api_client import Api
from support.console import csrf_of, sign_in


def send(api: Api, case: str, command: str, **fields: str) -> None:
    page = api.client.get(f"/console/cases/{case}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    sent = api.client.post(
        f"/console/cases/{case}/commands/{command}",
        data={"csrf": csrf_of(page), "version": version.group(1), **fields},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text


def history(api: Api, case: str) -> list[str]:
    answer = api.client.get(f"/requests/{case}/history", headers=api.supervisor)
    return [e["type"] for e in answer.json()["events"]]


def test_an_unclaimed_request_is_counted_listed_and_claimed_from_the_console(
    api_on: Api, users: UserStore
) -> None:
    case = submitted(api_on).json()["id"]
    api_on.create("repair")  # received by the desk: owned
    caught_up(api_on)
    sign_in(api_on.client, users, "desk-zhou", "agent")
    queue = api_on.client.get("/console/cases").text
    assert 'data-unclaimed="1"' in queue
    listed = api_on.client.get("/console/cases", params={"unclaimed": "true"}).text
    assert re.findall(r'<tr data-case="([0-9a-f-]+)"', listed) == [case]
    page = api_on.client.get(f"/console/cases/{case}").text
    assert 'class="unclaimed"' in page
    assert "/commands/claim" in page
    send(api_on, case, "claim")
    caught_up(api_on)
    answer = api_on.client.get(f"/requests/{case}", headers=api_on.agent).json()
    assert answer["first_contact_owner"] == "desk-zhou"
    page = api_on.client.get(f"/console/cases/{case}").text
    assert "/commands/claim" not in page
    claim_row = re.search(r'<tr data-link="claim">(.*?)</tr>', page, re.S)
    assert claim_row is not None
    assert "desk-zhou" in claim_row.group(1)
    assert 'data-unclaimed="0"' in api_on.client.get("/console/cases").text


def test_dispatching_an_unclaimed_request_claims_it_first(api_on: Api, users: UserStore) -> None:
    case = submitted(api_on).json()["id"]
    sign_in(api_on.client, users, "boss-liu", "supervisor")
    send(api_on, case, "dispatch", assignee="eng-wang")
    assert history(api_on, case) == ["Received", "Claimed", "Dispatched"]
    answer = api_on.client.get(f"/requests/{case}", headers=api_on.agent).json()
    assert answer["first_contact_owner"] == "boss-liu"


def test_workers_and_analysts_are_not_shown_the_unclaimed_count(
    api_on: Api, users: UserStore
) -> None:
    submitted(api_on)
    caught_up(api_on)
    for role in ("worker", "analyst"):
        sign_in(api_on.client, users, f"someone-{role}", role)
        assert "data-unclaimed" not in api_on.client.get("/console/cases").text
