"""Case numbers over HTTP: every answer that shows a case shows its number, and a number
finds its case."""

from __future__ import annotations

import re

from support.api_client import Api
from support.request_bodies import BODIES

NUMBER = re.compile(r"^(BX|TS|ZX)-\d{8}-\d{4}$")


def test_intake_answers_with_the_number_and_every_view_of_the_case_shows_it(api: Api) -> None:
    repair = api.create("repair")
    complaint = api.create("complaint")
    assert NUMBER.match(repair["number"])
    assert repair["number"].startswith("BX-")
    assert complaint["number"].startswith("TS-")
    shown = api.client.get(f"/requests/{repair['id']}", headers=api.agent).json()
    assert shown["number"] == repair["number"]
    history = api.client.get(f"/requests/{repair['id']}/history", headers=api.supervisor)
    assert history.json()["number"] == repair["number"]
    dispatched = api.act(repair["id"], "dispatch", {"assignee": "eng-wang"}, **{"If-Match": '"1"'})
    assert dispatched.json()["number"] == repair["number"]
    listed = api.client.get(f"/requests?min_position={api.head()}", headers=api.supervisor).json()[
        "items"
    ]
    assert {item["id"]: item["number"] for item in listed} == {
        repair["id"]: repair["number"],
        complaint["id"]: complaint["number"],
    }


def test_a_number_finds_its_case_and_only_it(api: Api) -> None:
    made = [api.create("repair") for _ in range(3)]
    position = api.head()
    wanted = made[1]
    for typed in (wanted["number"], wanted["number"].lower()):
        found = api.client.get(
            f"/requests?number={typed}&min_position={position}", headers=api.supervisor
        )
        assert found.status_code == 200, found.text
        assert [item["id"] for item in found.json()["items"]] == [wanted["id"]]
    unknown = api.client.get("/requests?number=BX-20200101-0001", headers=api.supervisor)
    assert unknown.json()["items"] == []
    malformed = api.client.get("/requests?number=BX-1", headers=api.supervisor)
    assert malformed.status_code == 422, malformed.text
    assert "BX-20261206-0042" in malformed.json()["detail"]


def test_a_retry_of_intake_answers_the_same_number(api: Api) -> None:
    body = {"Idempotency-Key": "call-0805-17"}
    first = api.client.post("/requests", json=_repair(), headers={**api.agent, **body})
    again = api.client.post("/requests", json=_repair(), headers={**api.agent, **body})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["number"] == first.json()["number"]
    assert NUMBER.match(first.json()["number"])


def _repair() -> dict[str, object]:
    return dict(BODIES["repair"])


def test_the_number_stands_for_the_case_id_in_every_path(api: Api) -> None:
    case = api.create("repair")
    number = case["number"]
    shown = api.client.get(f"/requests/{number.lower()}", headers=api.agent)
    assert shown.status_code == 200, shown.text
    assert shown.json()["id"] == case["id"]
    dispatched = api.act(number, "dispatch", {"assignee": "eng-wang"}, **{"If-Match": '"1"'})
    assert dispatched.status_code == 200, dispatched.text
    assert dispatched.json()["state"] == "dispatched"
    history = api.client.get(f"/requests/{number}/history", headers=api.supervisor)
    assert [e["type"] for e in history.json()["events"]] == ["Received", "Dispatched"]
    unknown = api.client.get("/requests/BX-20200101-0001", headers=api.agent)
    assert unknown.status_code == 404, unknown.text
    for malformed in ("BX-2026-1", "not-a-case", "QQ-20261206-0001"):
        answer = api.client.get(f"/requests/{malformed}", headers=api.agent)
        assert answer.status_code == 422, (malformed, answer.text)
