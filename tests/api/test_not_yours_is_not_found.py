"""A case the caller may not see answers exactly as a case that does not exist: 404.

Otherwise a 403 would confirm that the case exists, e.g. that someone else used an
idempotency key (a keyed case's id is derived from the key). Refusals by role keep 403.
"""

from __future__ import annotations

from typing import Any

import pytest

from support.api_client import Api
from support.request_bodies import REPAIR

MISSING = "6f1c2b7e-0000-4000-8000-000000000000"


def channel_case(api: Api) -> str:
    """A repair the `hotline` channel token created, dispatched to eng-wang."""
    api.auth("desk-zhang", "agent")  # a receiver a channel names is a known agent
    created = api.client.post(
        "/requests",
        json={**REPAIR, "received_by": "desk-zhang"},
        headers={**api.auth("hotline", "channel"), "Idempotency-Key": "k-1"},
    )
    assert created.status_code == 201, created.text
    case_id: str = created.json()["id"]
    assert api.act(case_id, "dispatch", {"assignee": "eng-wang"}).status_code == 200
    return case_id


def assert_answers_as_missing(api: Api, method: str, path: str, case_id: str, **kw: Any) -> None:
    hidden = api.client.request(method, path.format(id=case_id), **kw)
    missing = api.client.request(method, path.format(id=MISSING), **kw)
    assert (hidden.status_code, missing.status_code) == (404, 404), hidden.text
    assert hidden.headers["content-type"] == missing.headers["content-type"]
    assert hidden.json() == {**missing.json(), "detail": f"no case with id {case_id}"}
    assert missing.json()["detail"] == f"no case with id {MISSING}"


def last_occurred(api: Api, case_id: str) -> str:
    moment: str = api.client.get(f"/requests/{case_id}", headers=api.agent).json()[
        "last_occurred_at"
    ]
    return moment


@pytest.mark.parametrize("as_of", [False, True], ids=["now", "as of"])
def test_a_channel_reading_a_case_another_channel_created_gets_404(
    api_on: Api, as_of: bool
) -> None:
    case_id = channel_case(api_on)
    params = {"as_of": last_occurred(api_on, case_id)} if as_of else {}
    other = api_on.auth("web-form", "channel")
    assert_answers_as_missing(
        api_on, "GET", "/requests/{id}", case_id, headers=other, params=params
    )


def test_a_worker_reading_a_case_not_assigned_to_it_gets_404(api_on: Api) -> None:
    case_id = channel_case(api_on)
    stranger = api_on.auth("eng-zhao", "worker")
    assert_answers_as_missing(api_on, "GET", "/requests/{id}", case_id, headers=stranger)


def test_a_worker_the_case_was_taken_from_cannot_read_it_as_it_stood_while_theirs(
    api_on: Api,
) -> None:
    case_id = channel_case(api_on)
    while_theirs = last_occurred(api_on, case_id)
    assert api_on.act(case_id, "dispatch", {"assignee": "eng-zhao"}).status_code == 200
    before = api_on.auth("eng-wang", "worker")
    params = {"as_of": while_theirs}
    assert_answers_as_missing(
        api_on, "GET", "/requests/{id}", case_id, headers=before, params=params
    )
    now = api_on.auth("eng-zhao", "worker")
    then = api_on.client.get(f"/requests/{case_id}", headers=now, params=params)
    assert (then.status_code, then.json()["assignee"]) == (200, "eng-wang")


@pytest.mark.parametrize("if_match", [None, '"1"', '"2"', "*"])
def test_a_worker_acting_on_a_case_not_assigned_to_it_gets_404_and_writes_nothing(
    api_on: Api, if_match: str | None
) -> None:
    case_id = channel_case(api_on)
    head = api_on.head()
    headers = api_on.auth("eng-zhao", "worker")
    if if_match is not None:
        headers = {**headers, "If-Match": if_match}
    assert_answers_as_missing(api_on, "POST", "/requests/{id}/sign", case_id, headers=headers)
    assert api_on.head() == head


def test_a_role_that_may_not_read_cases_still_gets_403(api_on: Api) -> None:
    case_id = channel_case(api_on)
    for path in (f"/requests/{case_id}", f"/requests/{MISSING}"):
        response = api_on.client.get(path, headers=api_on.analyst)
        assert response.status_code == 403
        assert "an analyst token may not read cases" in response.json()["detail"]
