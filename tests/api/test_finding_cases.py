"""Finding cases in the read models, on each backend: filters, stable pages, overdue."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.api_client import Api


def find(api: Api, **params: Any) -> dict[str, Any]:
    response = api.client.get(
        "/requests", params={**params, "min_position": api.head()}, headers=api.agent
    )
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def test_cases_are_found_by_state_kind_owner_assignee_and_location(api_on: Api) -> None:
    repair = api_on.create("repair", location="7-1-101")
    complaint = api_on.create("complaint")
    api_on.act(repair["id"], "dispatch", {"assignee": "eng-wang"})
    api_on.act(complaint["id"], "handover", {"to": "desk-li", "reason": "shift change"})

    def ids(**params: Any) -> list[str]:
        return [c["id"] for c in find(api_on, **params)["items"]]

    assert ids(kind="repair") == [repair["id"]]
    assert ids(state="dispatched") == [repair["id"]]
    assert ids(assignee="eng-wang") == [repair["id"]]
    assert ids(location="7-1-101") == [repair["id"]]
    assert ids(owner="desk-li") == [complaint["id"]]
    assert ids(owner="desk-zhang") == [repair["id"]]
    assert ids(kind="renovation") == []
    summary = find(api_on, kind="repair")["items"][0]
    assert (summary["state"], summary["version"], summary["assignee"]) == (
        "dispatched",
        2,
        "eng-wang",
    )
    assert [m["name"] for m in summary["milestones"]] == [
        "dispatch",
        "on_site",
        "completion",
        "callback",
    ]
    assert summary["milestones"][0]["status"] == "met"


def test_pages_follow_each_other_newest_first_without_gaps_or_repeats(api_on: Api) -> None:
    created = [api_on.create("complaint")["id"] for _ in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor is not None:
            params["cursor"] = cursor
        page = find(api_on, **params)
        seen.extend(c["id"] for c in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(created))


def test_overdue_finds_open_cases_with_a_milestone_past_its_target(api_on: Api) -> None:
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    late = api_on.create("repair", received_at=an_hour_ago)  # dispatch within 10 minutes
    fresh = api_on.create("repair")
    closed_late = api_on.create("complaint", received_at=an_hour_ago)
    api_on.act(closed_late["id"], "cancel", {"reason": "withdrawn"})
    assert [c["id"] for c in find(api_on, overdue=True)["items"]] == [late["id"]]
    not_overdue = {c["id"] for c in find(api_on, overdue=False)["items"]}
    assert not_overdue == {fresh["id"], closed_late["id"]}
    case = api_on.client.get(f"/requests/{late['id']}", headers=api_on.agent).json()
    assert [m["status"] for m in case["milestones"][:2]] == ["breached", "breached"]
    assert datetime.fromisoformat(case["milestones"][0]["due_at"]) < datetime.now(UTC)


def test_the_feed_and_a_history_agree_on_positions(api_on: Api) -> None:
    case = api_on.create("complaint")
    api_on.act(case["id"], "reply", {"message": "on it"})
    feed = api_on.client.get("/events", headers=api_on.analyst).json()["events"]
    history = api_on.client.get(
        f"/requests/{case['id']}/history",
        params={"min_position": api_on.head()},
        headers=api_on.supervisor,
    ).json()["events"]
    assert [(e["position"], e["version"], e["type"]) for e in feed] == [
        (e["position"], e["version"], e["type"]) for e in history
    ]


def tampered(value: object) -> str:
    """A cursor in the API's encoding holding `value`, as a client could forge one."""
    raw = json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        tampered([2**70, "6f1c2b7e-0000-4000-8000-000000000000"]),
        tampered([-(2**64), "6f1c2b7e-0000-4000-8000-000000000000"]),
        tampered([True, "x"]),
        tampered([1.5, "6f1c2b7e-0000-4000-8000-000000000000"]),
        tampered([1, "a\u0000b"]),
        tampered([1, "not a case id"]),
        tampered([1, "6f1c2b7e-0000-4000-8000-000000000000", 3]),
        tampered({"received_at": 1}),
        tampered("[1, 2]"),
        base64.urlsafe_b64encode(b"\xff\xfe[1]").decode(),
    ],
    ids=[
        "beyond 64 bits",
        "below 64 bits",
        "a boolean",
        "a fraction",
        "a NUL",
        "not a case id",
        "three items",
        "an object",
        "a string",
        "not UTF-8",
    ],
)
def test_a_tampered_cursor_answers_422_naming_the_cursor(api_on: Api, cursor: str) -> None:
    api_on.create("repair")
    response = api_on.client.get("/requests", params={"cursor": cursor}, headers=api_on.agent)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith("query.cursor: not a cursor this API gave out")
