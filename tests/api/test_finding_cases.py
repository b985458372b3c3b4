"""Finding cases in the read models, on each backend: filters, stable pages, overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import Api


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
