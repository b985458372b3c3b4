"""Late entries over HTTP: each role dates actions back within its own rule (docs/sla.md).

Channels and workers: a reason beyond 15 minutes, refused beyond 24 hours. Agents and
supervisors: a reason beyond 24 hours, refused beyond 7 days. Admins: a reason beyond
24 hours, no limit. A refusal writes nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.api_client import Api, running
from support.request_bodies import REPAIR

ROLES = {
    "channel": ("hotline", timedelta(minutes=15), timedelta(hours=24)),
    "worker": ("eng-wang", timedelta(minutes=15), timedelta(hours=24)),
    "agent": ("desk-zhang", timedelta(hours=24), timedelta(days=7)),
    "supervisor": ("boss-liu", timedelta(hours=24), timedelta(days=7)),
    "admin": ("root", timedelta(hours=24), None),
}
REASON = "entered from the paper log after the night shift"
_keys = itertools.count()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with running(str(tmp_path_factory.mktemp("late") / "propdesk.db")) as found:
        yield found


def ago(span: timedelta) -> str:
    return (datetime.now(UTC) - span).isoformat()


def dispatched_long_ago(api: Api) -> str:
    """A repair an admin brought over: received and dispatched to eng-wang 30 days ago."""
    admin = api.auth("root", "admin")
    created = api.client.post(
        "/requests",
        json={**REPAIR, "received_at": ago(timedelta(days=30)), "late_reason": REASON},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    case_id: str = created.json()["id"]
    dispatched = api.client.post(
        f"/requests/{case_id}/dispatch",
        json={"assignee": "eng-wang", "at": ago(timedelta(days=30)), "late_reason": REASON},
        headers=admin,
    )
    assert dispatched.status_code == 200, dispatched.text
    return case_id


def act_late(api: Api, role: str, late_by: timedelta, reason: str | None) -> tuple[Any, int]:
    """The role's action dated `late_by` back (intake for a channel, signing the work order
    for the others), and the head of the log just before it."""
    name = ROLES[role][0]
    headers = api.auth(name, role)
    extra = {} if reason is None else {"late_reason": reason}
    if role == "channel":
        api.auth("desk-li", "agent")  # a receiver a channel names is a known agent
        before = api.head()
        response = api.client.post(
            "/requests",
            json={**REPAIR, "received_by": "desk-li", "received_at": ago(late_by), **extra},
            headers={**headers, "Idempotency-Key": f"late-{next(_keys)}"},
        )
        return response, before
    case_id = dispatched_long_ago(api)
    before = api.head()
    response = api.client.post(
        f"/requests/{case_id}/sign", json={"at": ago(late_by), **extra}, headers=headers
    )
    return response, before


def accepted(api: Api, role: str, late_by: timedelta, reason: str | None) -> None:
    response, _ = act_late(api, role, late_by, reason)
    assert response.status_code in (200, 201), response.text


def refused(api: Api, role: str, late_by: timedelta, reason: str | None) -> dict[str, Any]:
    """The action is refused with 422 and writes nothing; its problem document."""
    response, before = act_late(api, role, late_by, reason)
    assert response.status_code == 422, response.text
    assert api.head() == before, "a refused action wrote events"
    problem: dict[str, Any] = response.json()
    return problem


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_needs_a_late_reason_only_beyond_its_tolerance(shared: Api, role: str) -> None:
    tolerance = ROLES[role][1]
    accepted(shared, role, tolerance - timedelta(minutes=1), None)
    problem = refused(shared, role, tolerance + timedelta(minutes=5), None)
    assert [e["field"] for e in problem["errors"]] == ["body.late_reason"]
    assert problem["detail"].startswith("late_reason: required: the action is dated")
    accepted(shared, role, tolerance + timedelta(minutes=5), REASON)


@pytest.mark.parametrize("role", [r for r, (_, _, limit) in ROLES.items() if limit is not None])
def test_each_role_but_admin_is_refused_beyond_its_limit_whatever_the_reason(
    shared: Api, role: str
) -> None:
    limit = ROLES[role][2]
    assert limit is not None
    problem = refused(shared, role, limit + timedelta(hours=1), REASON)
    shown = "24h" if limit == timedelta(hours=24) else "7d"
    assert f"at most {shown} back is allowed" in problem["detail"]
    assert "only an admin token may record an earlier time" in problem["detail"]
    assert problem["errors"][0]["field"] == "body.at"


def test_a_channel_cannot_date_an_intake_back_to_2000(shared: Api) -> None:
    problem = refused(
        shared, "channel", datetime.now(UTC) - datetime(2000, 1, 1, tzinfo=UTC), REASON
    )
    assert "at most 24h back is allowed" in problem["detail"]


def test_an_admin_brings_history_over_from_years_ago_with_a_reason(shared: Api) -> None:
    admin = shared.auth("root", "admin")
    years = {**REPAIR, "received_at": "2019-03-01T09:00:00+08:00", "received_by": "desk-old"}
    without = shared.client.post("/requests", json=years, headers=admin)
    assert without.status_code == 422, without.text
    assert without.json()["errors"][0]["field"] == "body.late_reason"
    created = shared.client.post(
        "/requests", json={**years, "late_reason": "imported from the old system"}, headers=admin
    )
    assert created.status_code == 201, created.text
    case = created.json()
    assert (case["received_by"], case["first_contact_owner"]) == ("desk-old", "desk-old")
    dispatched = shared.client.post(
        f"/requests/{case['id']}/dispatch",
        json={
            "assignee": "eng-old",
            "at": "2019-03-01T09:20:00+08:00",
            "late_reason": "imported from the old system",
        },
        headers=admin,
    )
    assert dispatched.status_code == 200, dispatched.text
    assert dispatched.json()["milestones"][0]["stopped_at"] == "2019-03-01T09:20:00+08:00"


def test_a_worker_six_hours_late_is_marked_late_in_the_history_and_the_feed(
    api_on: Api,
) -> None:
    case = api_on.create("repair", received_at=ago(timedelta(hours=7)), late_reason=REASON)
    dispatched = api_on.act(
        case["id"],
        "dispatch",
        {"assignee": "eng-wang", "at": ago(timedelta(hours=6, minutes=50)), "late_reason": REASON},
    )
    assert dispatched.status_code == 200, dispatched.text
    worker = api_on.auth("eng-wang", "worker")
    six_hours = {"at": ago(timedelta(hours=6))}
    before = api_on.head()
    missing = api_on.client.post(f"/requests/{case['id']}/sign", json=six_hours, headers=worker)
    assert missing.status_code == 422, missing.text
    assert "late_reason: required" in missing.json()["detail"]
    assert api_on.head() == before
    why = "signed on paper, phone had no signal in the basement"
    signed = api_on.client.post(
        f"/requests/{case['id']}/sign", json={**six_hours, "late_reason": why}, headers=worker
    )
    assert signed.status_code == 200, signed.text
    on_time = api_on.client.post(f"/requests/{case['id']}/arrive", headers=worker)
    assert on_time.status_code == 200, on_time.text

    history = api_on.client.get(
        f"/requests/{case['id']}/history",
        params={"min_position": on_time.headers["X-Event-Position"]},
        headers=api_on.supervisor,
    ).json()["events"]
    assert [(e["type"], e["late"], e["late_reason"]) for e in history] == [
        ("Received", True, REASON),
        ("Dispatched", True, REASON),
        ("Signed", True, why),
        ("Arrived", False, None),
    ]
    assert "late_reason" not in history[2]["data"]
    feed = api_on.client.get("/events", headers=api_on.analyst)
    mine = [e for e in feed.json()["events"] if e["case_id"] == case["id"]]
    assert [(e["type"], e["late"]) for e in mine] == [
        ("Received", True),
        ("Dispatched", True),
        ("Signed", True),
        ("Arrived", False),
    ]
    assert why not in feed.text  # free text stays out of the feed, as notes do
