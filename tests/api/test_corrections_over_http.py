"""更正 over HTTP: `POST /requests/{id}/amend` by the desk; the case, its history and the
event feed show the correction (the feed without free text); refusals write nothing."""

from __future__ import annotations

import pytest

from support.api_client import Api


def test_an_agent_corrects_the_location_and_the_case_and_its_history_show_it(api: Api) -> None:
    case = api.create("repair")
    body = {"location": "3-2-1202", "description": "the kitchen tap", "reason": "wrong unit"}
    answer = api.act(case["id"], "amend", body)
    assert answer.status_code == 200, answer.text
    shown = api.client.get(f"/requests/{case['id']}", headers=api.agent).json()
    assert (shown["location"], shown["description"], shown["state"]) == (
        "3-2-1202",
        "the kitchen tap",
        "received",
    )
    history = api.client.get(f"/requests/{case['id']}/history", headers=api.supervisor).json()
    amended = history["events"][-1]
    assert amended["type"] == "Amended"
    assert amended["data"]["previous_location"] == "3-2-1201"
    assert amended["data"]["reason"] == "wrong unit"


def test_the_feed_carries_the_location_corrected_and_not_the_description(api: Api) -> None:
    case = api.create("repair")
    body = {"location": "3-2-1202", "description": "call back at six", "reason": "wrong unit"}
    assert api.act(case["id"], "amend", body).status_code == 200
    feed = api.client.get("/events", headers=api.analyst).json()
    data = [e for e in feed["events"] if e["case_id"] == case["id"]][-1]["data"]
    assert (data["location"], data["previous_location"]) == ("3-2-1202", "3-2-1201")
    assert "description" not in data
    assert "previous_description" not in data


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "laundry", "reason": "x"}, "body.category"),
        ({"location": "3-2-1201", "reason": "same unit"}, "body.location"),
        ({"location": "3-2-1202"}, "body.reason"),
        ({"reason": "nothing given"}, "body.location"),
    ],
)
def test_a_correction_that_corrects_nothing_or_wrongly_is_refused_and_writes_nothing(
    api: Api, body: dict[str, str], field: str
) -> None:
    case = api.create("repair")
    head = api.head()
    answer = api.act(case["id"], "amend", body)
    assert answer.status_code == 422, answer.text
    assert field in [e["field"] for e in answer.json()["errors"]]
    assert api.head() == head


def test_kind_and_priority_are_not_fields_of_a_correction(api: Api) -> None:
    case = api.create("repair")
    answer = api.act(case["id"], "amend", {"priority": "emergency", "reason": "x"})
    assert answer.status_code == 422
    assert "priority" in answer.text


@pytest.mark.parametrize("role", ["worker", "analyst", "channel"])
def test_only_the_desk_may_correct_a_case(api: Api, role: str) -> None:
    case = api.create("repair")
    if role == "worker":
        api.act(case["id"], "dispatch", {"assignee": "eng-wang"})
    headers = api.auth("eng-wang" if role == "worker" else f"someone-{role}", role)
    answer = api.act(case["id"], "amend", {"location": "3-2-1202", "reason": "x"}, **headers)
    assert answer.status_code == 403, answer.text
