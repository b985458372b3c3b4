"""催办 over HTTP: channels urge the cases they created, agents any case; the case answer
counts the urges, the history and the event feed show them, the first-contact report
counts them in every form; any other role, or another channel's case, writes nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from support.api_client import Api
from support.request_bodies import REPAIR

SAID = {"note": "住户第二次来电催促"}
PERIOD = {"from": "2026-01-01", "to": "2027-01-01"}


def created_by(api: Api, channel: str, key: str) -> dict[str, Any]:
    """A repair the channel token `channel` created, received by desk-zhang."""
    api.auth("desk-zhang", "agent")  # a receiver a channel names is a known agent
    created = api.client.post(
        "/requests",
        json={**REPAIR, "received_by": "desk-zhang"},
        headers={**api.auth(channel, "channel"), "Idempotency-Key": key},
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def urge(api: Api, case_id: str, headers: dict[str, str], body: Any = SAID) -> Any:
    return api.client.post(f"/requests/{case_id}/urge", json=body, headers=headers)


def test_a_channel_urges_a_case_it_created_and_the_answer_counts_the_urges(api_on: Api) -> None:
    case = created_by(api_on, "hotline", "k-1")
    assert case["urges"] == 0
    first = urge(api_on, case["id"], api_on.auth("hotline", "channel"))
    assert first.status_code == 200, first.text
    assert (first.json()["urges"], first.json()["state"]) == (1, "received")
    assert first.headers["ETag"] == '"2"'
    second = urge(api_on, case["id"], api_on.agent, {"note": "第三次催促"})
    assert second.status_code == 200, second.text
    read = api_on.client.get(f"/requests/{case['id']}", headers=api_on.agent).json()
    assert (read["urges"], read["state"], read["version"]) == (2, "received", 3)
    assert "urge" in read["allowed_commands"]


def test_a_channel_urging_a_case_it_did_not_create_gets_404_and_writes_nothing(
    api_on: Api,
) -> None:
    theirs = created_by(api_on, "hotline", "k-1")
    desks = api_on.create("repair")
    head = api_on.head()
    other = api_on.auth("web-form", "channel")
    for case_id in (theirs["id"], desks["id"], "6f1c2b7e-0000-4000-8000-000000000000"):
        answer = urge(api_on, case_id, other)
        assert answer.status_code == 404, answer.text
        assert answer.json()["detail"] == f"no case with id {case_id}"
    assert api_on.head() == head


@pytest.mark.parametrize("role", ["worker", "supervisor", "analyst", "admin"])
def test_roles_other_than_channel_and_agent_may_not_urge(api_on: Api, role: str) -> None:
    case = api_on.create("repair")
    # The worker is the one the case is assigned to: its role still may not urge.
    assert api_on.act(case["id"], "dispatch", {"assignee": "eng-wang"}).status_code == 200
    head = api_on.head()
    answer = urge(api_on, case["id"], api_on.auth("eng-wang", role))
    assert answer.status_code == 403, answer.text
    assert "may not urge" in answer.json()["detail"]
    assert "channel, agent" in answer.json()["detail"]
    assert api_on.head() == head


@pytest.mark.parametrize(
    ("body", "where"),
    [(None, "body"), ({}, "note"), ({"note": ""}, "note"), ({"note": "催" * 4001}, "note")],
    ids=["no body", "no note", "empty", "too long"],
)
def test_an_urge_that_says_nothing_or_too_much_answers_422_and_writes_nothing(
    api_on: Api, body: Any, where: str
) -> None:
    case = api_on.create("complaint")
    head = api_on.head()
    answer = urge(api_on, case["id"], api_on.agent, body)
    assert answer.status_code == 422, answer.text
    assert where in answer.json()["detail"]
    assert api_on.head() == head


def test_an_ended_case_cannot_be_urged(api_on: Api) -> None:
    case = api_on.create("repair")
    assert api_on.act(case["id"], "cancel", {"reason": "withdrawn"}).status_code == 200
    answer = urge(api_on, case["id"], api_on.agent)
    assert answer.status_code == 409
    assert answer.json()["detail"] == (
        "cannot urge repair in state 'cancelled'; allowed: none (the case has ended)"
    )


def test_the_history_shows_what_was_said_and_the_event_feed_the_urge_without_it(
    api_on: Api,
) -> None:
    case = api_on.create("repair")
    assert urge(api_on, case["id"], api_on.agent).status_code == 200
    history = api_on.client.get(
        f"/requests/{case['id']}/history",
        params={"min_position": api_on.head()},
        headers=api_on.supervisor,
    ).json()
    urged = history["events"][-1]
    assert (urged["type"], urged["actor"], urged["note"], urged["data"]) == (
        "Urged",
        "desk-zhang",
        SAID["note"],
        {},
    )
    feed = api_on.client.get("/events", headers=api_on.analyst).json()["events"]
    last = feed[-1]
    assert (last["case_id"], last["type"], last["version"], last["data"]) == (
        case["id"],
        "Urged",
        2,
        {},
    )
    assert SAID["note"] not in str(feed)


def test_the_first_contact_report_counts_urges_in_json_csv_and_xlsx(api_on: Api) -> None:
    chased = api_on.create("repair")
    api_on.create("complaint")
    for _ in range(2):
        assert urge(api_on, chased["id"], api_on.agent).status_code == 200
    params = {**PERIOD, "min_position": api_on.head()}
    path = "/reports/first-contact"
    document = api_on.client.get(path, params=params, headers=api_on.analyst).json()
    assert [(r["staff"], r["urged"]) for r in document["rows"]] == [("desk-zhang", 2)]
    as_csv = api_on.client.get(path, params={**params, "format": "csv"}, headers=api_on.analyst)
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [(r["staff"], r["urged"]) for r in rows] == [("desk-zhang", "2")]
    as_xlsx = api_on.client.get(path, params={**params, "format": "xlsx"}, headers=api_on.analyst)
    sheet = load_workbook(io.BytesIO(as_xlsx.content))["首问负责"]
    header, row = [[c.value for c in r] for r in sheet.iter_rows()]
    assert row[header.index("催办")] == 2
