"""The HTTP API's contract: intake, every command, reads, history, finding cases, reports, feed."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from projections.asof import Period
from projections.first_contact import first_contact_report
from projections.reports import sla_report
from support.api_client import Api
from workflow.lifecycles import LIFECYCLES

CASE_FIELDS = {
    "id", "kind", "state", "version", "category", "priority", "location", "channel",
    "first_contact_owner", "assignee", "received_at", "milestones",
}  # fmt: skip


def test_a_new_request_answers_201_with_the_case_its_location_etag_and_position(api: Api) -> None:
    response = api.client.post(
        "/requests",
        json={
            "kind": "repair",
            "channel": "phone",
            "location": "3-2-1201",
            "category": "plumbing",
            "priority": "emergency",
            "description": "burst pipe",
            "reporter": {"name": "王先生", "phone": "13800000000"},
        },
        headers=api.agent,
    )
    assert response.status_code == 201
    case = response.json()
    assert set(case) >= CASE_FIELDS
    assert response.headers["Location"] == f"/requests/{case['id']}"
    assert response.headers["ETag"] == '"1"'
    assert int(response.headers["X-Event-Position"]) == api.head()
    assert (case["state"], case["version"], case["first_contact_owner"]) == (
        "received",
        1,
        "desk-zhang",
    )
    assert [m["name"] for m in case["milestones"]] == [
        "dispatch",
        "on_site",
        "completion",
        "callback",
    ]
    dispatch = case["milestones"][0]
    assert dispatch["status"] == "pending"
    received = datetime.fromisoformat(case["received_at"])
    assert datetime.fromisoformat(dispatch["due_at"]) == received + timedelta(minutes=10)
    assert case["reporter"] == {"name": "王先生", "phone": "13800000000"}


def drive(api: Api, case_id: str, steps: list[tuple[str, dict[str, Any] | None]]) -> list[str]:
    """Run commands in order, each naming the version it saw; returns the states reached."""
    states = []
    version, position = 1, 0
    for command, body in steps:
        response = api.act(case_id, command, body, **{"If-Match": f'"{version}"'})
        assert response.status_code == 200, (command, response.text)
        case = response.json()
        assert response.headers["ETag"] == f'"{case["version"]}"'
        assert case["version"] == version + 1
        assert int(response.headers["X-Event-Position"]) > position
        version, position = case["version"], int(response.headers["X-Event-Position"])
        states.append(case["state"])
    return states


def test_every_command_of_the_domain_is_a_kebab_case_route(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    routes = {
        path.removeprefix("/requests/{case_id}/")
        for path, operations in paths.items()
        if path.startswith("/requests/{case_id}/") and "post" in operations
    }
    triggers = {c for lc in LIFECYCLES.values() for c in lc.commands}
    # Erasing the reporter's record is DELETE /requests/{case_id}/reporter.
    assert routes == {c.replace("_", "-") for c in triggers} - {"erase-reporter"}
    assert "delete" in paths["/requests/{case_id}/reporter"]


def test_a_repair_goes_through_quote_hold_rework_and_callback_to_closed(api: Api) -> None:
    case = api.create("repair")
    states = drive(
        api,
        case["id"],
        [
            ("dispatch", {"assignee": "eng-wang", "team": "engineering"}),
            ("sign", None),
            ("arrive", {}),
            ("quote", {"amount": "120.50"}),
            ("accept-quote", None),
            ("hold", {"reason": "waiting for parts"}),
            ("resume", None),
            ("complete", {"resolution": "replaced the valve", "note": "took an hour"}),
            ("callback", {"outcome": "unsatisfied", "comment": "still dripping"}),
            ("dispatch", {"assignee": "eng-li"}),
            ("handover", {"to": "desk-li", "reason": "shift change"}),
            ("sign", None),
            ("arrive", None),
            ("complete", {"resolution": "tightened the joint"}),
            ("callback", {"outcome": "satisfied"}),
        ],
    )
    assert states[-1] == "closed"
    assert states[8] == "reopened"
    final = api.client.get(f"/requests/{case['id']}", headers=api.agent).json()
    assert final["first_contact_owner"] == "desk-li"
    assert final["quoted_amount"] == "120.50"
    assert final["callbacks"] == ["unsatisfied", "satisfied"]


def test_complaints_are_replied_to_completed_invalidated_or_cancelled(api: Api) -> None:
    handled, invalid, cancelled = (api.create("complaint") for _ in range(3))
    assert (
        drive(
            api,
            handled["id"],
            [
                ("reply", {"message": "security will fix it tonight"}),
                ("dispatch", {"assignee": "security-team"}),
                ("complete", {"resolution": "barrier repaired"}),
                ("callback", {"outcome": "basically_satisfied"}),
            ],
        )[-1]
        == "closed"
    )
    explained = {"reason": "outside remit", "explanation": "the road is the city's"}
    assert drive(api, invalid["id"], [("invalidate", explained)]) == ["invalid"]
    assert drive(api, cancelled["id"], [("cancel", {"reason": "withdrawn"})]) == ["cancelled"]


def test_a_renovation_is_approved_inspected_accepted_and_refunded(api: Api) -> None:
    case, rejected = api.create("renovation"), api.create("renovation")
    states = drive(
        api,
        case["id"],
        [
            ("approve", {"permit_no": "ZX-1", "deposit": "2000", "fee": 300}),
            ("inspect", {"findings": "in order"}),
            ("inspect", {"findings": "wall removed", "violation": "load-bearing wall"}),
            ("request-acceptance", None),
            ("fail-acceptance", {"reasons": "wall must be restored"}),
            ("request-acceptance", None),
            ("pass-acceptance", None),
            ("refund-deposit", {"refunded": "1500", "withheld": "500", "reason": "violation"}),
            ("callback", {"outcome": "satisfied"}),
        ],
    )
    assert states == [
        "approved", "approved", "approved", "acceptance_requested", "approved",
        "acceptance_requested", "accepted", "completed", "closed",
    ]  # fmt: skip
    assert drive(api, rejected["id"], [("reject", {"reasons": "no drawings"})]) == ["rejected"]
    final = api.client.get(f"/requests/{case['id']}", headers=api.agent).json()
    assert (final["deposit"], final["refunded"], final["withheld"]) == (
        "2000.00",
        "1500.00",
        "500.00",
    )
    assert final["violations"] == ["load-bearing wall"]


def test_a_case_reads_as_it_stood_at_an_earlier_moment(api: Api) -> None:
    case = api.create("repair")
    before = datetime.now(UTC)
    api.act(case["id"], "dispatch", {"assignee": "eng-wang"})
    now = api.client.get(f"/requests/{case['id']}", headers=api.agent)
    then = api.client.get(
        f"/requests/{case['id']}", params={"as_of": before.isoformat()}, headers=api.agent
    )
    assert (now.json()["state"], now.headers["ETag"]) == ("dispatched", '"2"')
    assert (then.json()["state"], then.headers["ETag"]) == ("received", '"1"')


def test_a_history_lists_every_event_with_its_position_and_no_internal_fields(api: Api) -> None:
    case = api.create("repair", reporter={"name": "李女士", "phone": "13912345678"})
    written = api.act(case["id"], "dispatch", {"assignee": "eng-wang", "note": "urgent"})
    position = written.headers["X-Event-Position"]
    response = api.client.get(
        f"/requests/{case['id']}/history",
        params={"min_position": position},
        headers=api.supervisor,
    )
    assert response.status_code == 200
    events = response.json()["events"]
    assert [(e["version"], e["type"], e["actor"]) for e in events] == [
        (1, "Received", "desk-zhang"),
        (2, "Dispatched", "desk-zhang"),
    ]
    assert events[1]["position"] == int(position)
    assert events[0]["position"] < events[1]["position"]
    assert events[1]["note"] == "urgent"
    assert {"position", "occurred_at", "recorded_at", "data"} <= set(events[0])
    assert "reporter_ref" not in events[0]["data"]
    assert "fingerprint" not in events[0]["data"]


def test_reports_answer_the_same_documents_as_the_command_line(api: Api) -> None:
    api.create("repair")
    written = api.create("complaint")
    position = api.head()
    # A whole second after both were recorded (reports take whole seconds), and past.
    as_of = (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0)
    time.sleep(max(0.0, (as_of - datetime.now(UTC)).total_seconds()) + 0.01)
    params = {"from": "2026-01-01", "to": "2027-01-01", "as_of": as_of.isoformat()}
    store = api.client.app.state.runtime.store  # type: ignore[attr-defined]
    policy = api.config.settings.policy
    period = Period(datetime(2026, 1, 1).date(), datetime(2027, 1, 1).date())
    for path, build in (("sla", sla_report), ("first-contact", first_contact_report)):
        response = api.client.get(
            f"/reports/{path}", params={**params, "min_position": position}, headers=api.analyst
        )
        assert response.status_code == 200, response.text
        document = response.json()
        assert document == build(store, policy, period, as_of).document()
        assert document["rows"], f"the {path} report counted neither case"
    staff = {row["staff"]: row for row in document["rows"]}
    assert sum(row["received"] for row in staff.values()) == 2
    assert written["id"]


def test_the_event_feed_pages_through_the_log_in_order(api: Api) -> None:
    first, second = api.create("repair"), api.create("complaint")
    api.act(first["id"], "dispatch", {"assignee": "eng-wang"})
    page = api.client.get("/events", params={"limit": 2}, headers=api.analyst).json()
    assert [(e["case_id"], e["type"]) for e in page["events"]] == [
        (first["id"], "Received"),
        (second["id"], "Received"),
    ]
    rest = api.client.get("/events", params={"after": page["next"]}, headers=api.analyst).json()
    assert [(e["type"], e["data"]) for e in rest["events"]] == [
        ("Dispatched", {"assignee": "eng-wang", "team": None})
    ]
    assert rest["next"] == api.head()
    empty = api.client.get("/events", params={"after": rest["next"]}, headers=api.analyst).json()
    assert empty == {"events": [], "next": rest["next"]}
