"""GET /requests/{id}/sla: why each milestone met or breached, read as the case is read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from support.api_client import Api

REASON = "recorded from the paper log after the outage"
MISSING = "6f1c2b7e-0000-4000-8000-000000000000"


def ago(delta: timedelta) -> str:
    return (datetime.now(UTC) - delta).isoformat()


def normal_repair(api: Api) -> tuple[str, str]:
    """A normal repair received three days ago, dispatched to eng-wang two days ago; both
    recorded now, the intake first. With a moment between the two recordings."""
    case = api.create(
        "repair", priority="normal", received_at=ago(timedelta(days=3)), late_reason=REASON
    )
    between = datetime.now(UTC).isoformat()
    dispatched = api.act(
        case["id"],
        "dispatch",
        {"assignee": "eng-wang", "at": ago(timedelta(days=2)), "late_reason": REASON},
    )
    assert dispatched.status_code == 200, dispatched.text
    return str(case["id"]), between


def test_the_explanation_gives_each_milestone_its_days_holds_verdict_and_total(
    api_on: Api,
) -> None:
    case_id, _ = normal_repair(api_on)
    answer = api_on.client.get(f"/requests/{case_id}/sla", headers=api_on.agent)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    milestones = {m["name"]: m for m in body["milestones"]}
    case = api_on.client.get(f"/requests/{case_id}", headers=api_on.agent).json()
    assert set(milestones) == {m["name"] for m in case["milestones"]}
    dispatch = milestones["dispatch"]
    assert (dispatch["start_event"], dispatch["stop_event"]) == ("Received", "Dispatched")
    assert dispatch["status"] in ("met", "breached")
    assert dispatch["counted_until"] == dispatch["stopped_at"]
    assert (dispatch["policy"], dispatch["policy_version"]) == ("default (一级)", 0)
    # A day and a night lie between receipt and dispatch: some of it was left out.
    reasons = {span["reason"] for day in dispatch["days"] for span in day["spans"]}
    assert "counted" in reasons or dispatch["counted_minutes"] == 0
    assert reasons - {"counted"}
    counted = sum(day["counted_minutes"] for day in dispatch["days"])
    assert abs(counted - dispatch["counted_minutes"]) < 1e-6
    assert dispatch["elapsed_minutes"] == dispatch["elapsed_seconds"] / 60
    completion = milestones["completion"]
    assert completion["status"] in ("running", "breached")
    assert completion["stopped_at"] is None
    assert completion["holds"] == []
    callback = milestones["callback"]
    assert (callback["status"], callback["days"], callback["elapsed_seconds"]) == (
        "not_started",
        [],
        None,
    )


def test_as_of_an_earlier_moment_it_explains_the_case_as_it_stood_then(api_on: Api) -> None:
    case_id, between = normal_repair(api_on)
    answer = api_on.client.get(
        f"/requests/{case_id}/sla", headers=api_on.agent, params={"as_of": between}
    )
    assert answer.status_code == 200, answer.text
    assert (
        answer.json()["as_of"]
        == datetime.fromisoformat(between).astimezone(ZoneInfo("Asia/Shanghai")).isoformat()
    )
    # The dispatch, dated two days back, was recorded after: not known then.
    dispatch = {m["name"]: m for m in answer.json()["milestones"]}["dispatch"]
    assert dispatch["stopped_at"] is None
    assert dispatch["status"] in ("running", "breached")


def test_an_unknown_case_answers_404(api_on: Api) -> None:
    answer = api_on.client.get(f"/requests/{MISSING}/sla", headers=api_on.agent)
    assert answer.status_code == 404
    assert answer.json()["detail"] == f"no case with id {MISSING}"


def test_a_worker_reads_the_explanation_of_a_case_assigned_to_it_and_no_other(
    api_on: Api,
) -> None:
    case_id, _ = normal_repair(api_on)
    mine = api_on.client.get(f"/requests/{case_id}/sla", headers=api_on.auth("eng-wang", "worker"))
    assert mine.status_code == 200, mine.text
    other = api_on.client.get(f"/requests/{case_id}/sla", headers=api_on.auth("eng-zhao", "worker"))
    assert other.status_code == 404


def test_an_analyst_may_not_read_a_case_s_explanation(api_on: Api) -> None:
    case_id, _ = normal_repair(api_on)
    answer = api_on.client.get(f"/requests/{case_id}/sla", headers=api_on.auth("ana-li", "analyst"))
    assert answer.status_code == 403


def test_an_as_of_in_the_future_or_not_a_time_answers_422(api_on: Api) -> None:
    case_id, _ = normal_repair(api_on)
    for wrong in ((datetime.now(UTC) + timedelta(days=1)).isoformat(), "yesterday"):
        answer = api_on.client.get(
            f"/requests/{case_id}/sla", headers=api_on.agent, params={"as_of": wrong}
        )
        assert answer.status_code == 422, (wrong, answer.text)
        assert "as_of" in answer.json()["detail"]
