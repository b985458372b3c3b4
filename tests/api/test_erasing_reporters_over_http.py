"""PIPL over HTTP: `DELETE /requests/{id}/reporter` erases a case's reporter's record, for
admins only; the case answer then shows the reporter erased to everyone, a phone search
misses the case, and a second erasure or one of a case without a reporter is refused and
writes nothing; on each backend."""

from __future__ import annotations

from typing import Any

import pytest

from support.api_client import Api

PHONE = "13800000000"
REPORTER = {"name": "王先生", "phone": PHONE}


def erase(api: Api, case_id: str, headers: dict[str, str]) -> Any:
    return api.client.delete(f"/requests/{case_id}/reporter", headers=headers)


def by_phone(api: Api) -> list[str]:
    answer = api.client.get(
        "/requests", params={"phone": PHONE, "min_position": api.head()}, headers=api.agent
    )
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["items"]]


def history_types(api: Api, case_id: str) -> list[str]:
    answer = api.client.get(f"/requests/{case_id}/history", headers=api.supervisor)
    assert answer.status_code == 200, answer.text
    return [event["type"] for event in answer.json()["events"]]


def test_an_admin_erases_the_reporter_of_a_closed_case_and_it_shows_erased(api_on: Api) -> None:
    api = api_on
    case_id = api.create("repair", reporter=REPORTER)["id"]
    kept = api.create("complaint", reporter=REPORTER)["id"]
    assert api.act(case_id, "cancel", {"reason": "the resident fixed it"}).status_code == 200
    assert by_phone(api) == [kept, case_id]

    answer = erase(api, case_id, api.auth("root", "admin"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["state"] == "cancelled"  # no state change
    assert body["reporter"] is None
    assert body["reporter_erased_at"] is not None
    assert "erase-reporter" not in body["allowed_commands"]

    seen = api.client.get(f"/requests/{case_id}", headers=api.agent).json()
    assert (seen["reporter"], seen["reporter_erased_at"]) == (None, body["reporter_erased_at"])
    assert api.client.get(f"/requests/{kept}", headers=api.agent).json()["reporter"] == REPORTER
    assert by_phone(api) == [kept]
    assert history_types(api, case_id)[-1] == "ReporterErased"
    events = api.client.get("/events", headers=api.supervisor).text
    assert PHONE not in events
    assert "王先生" not in events


def test_a_second_erasure_is_refused_and_writes_nothing(api_on: Api) -> None:
    api = api_on
    admin = api.auth("root", "admin")
    case_id = api.create("repair", reporter=REPORTER)["id"]
    assert erase(api, case_id, admin).status_code == 200
    before = history_types(api, case_id)
    again = erase(api, case_id, admin)
    assert again.status_code == 409, again.text
    assert again.json()["type"].endswith("/reporter-erased")
    assert "erased already" in again.json()["detail"]
    assert history_types(api, case_id) == before


def test_a_case_recorded_without_a_reporter_has_none_to_erase(api_on: Api) -> None:
    api = api_on
    case_id = api.create("repair")["id"]
    answer = erase(api, case_id, api.auth("root", "admin"))
    assert answer.status_code == 404, answer.text
    assert answer.json()["type"].endswith("/no-reporter")
    assert history_types(api, case_id) == ["Received"]


@pytest.mark.parametrize("role", ["agent", "supervisor", "worker", "analyst", "channel"])
def test_only_an_admin_may_erase_a_reporter(api_on: Api, role: str) -> None:
    api = api_on
    case_id = api.create("repair", reporter=REPORTER)["id"]
    answer = erase(api, case_id, api.auth(f"someone-{role}", role))
    assert answer.status_code == 403, answer.text
    assert "admin" in answer.json()["detail"]
    seen = api.client.get(f"/requests/{case_id}", headers=api.agent).json()
    assert (seen["reporter"], seen["reporter_erased_at"]) == (REPORTER, None)
