"""Personal data (PIPL): agents and supervisors see a reporter, a worker on the cases assigned to
it; analysts never do."""

from __future__ import annotations

import json
from dataclasses import replace
from uuid import UUID, uuid4

from api.http.views import FEED_FIELDS, LABELLED, WITHHELD
from support.api_client import Api
from support.request_bodies import REPAIR

NAME, PHONE = "王先生", "13800000000"


def reported(api: Api) -> tuple[str, str]:
    """A case with a reporter, dispatched to eng-wang; its id and its reporter reference."""
    case = api.create(
        "repair",
        reporter={"name": NAME, "phone": PHONE},
        note="resident asked for a morning visit",
    )
    api.act(case["id"], "dispatch", {"assignee": "eng-wang", "note": "bring a spare valve"})
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    ref: str = runtime.service.get(case["id"]).reporter_ref
    return case["id"], ref


def test_agents_and_supervisors_see_the_reporter_on_a_case(api: Api) -> None:
    case_id, _ = reported(api)
    for headers in (api.agent, api.supervisor):
        case = api.client.get(f"/requests/{case_id}", headers=headers).json()
        assert case["reporter"] == {"name": NAME, "phone": PHONE}


def test_a_worker_sees_the_reporter_on_the_cases_assigned_to_it(api: Api) -> None:
    case_id, _ = reported(api)
    worker = api.auth("eng-wang", "worker")
    read = api.client.get(f"/requests/{case_id}", headers=worker)
    assert read.status_code == 200, read.text
    assert read.json()["reporter"] == {"name": NAME, "phone": PHONE}
    signed = api.client.post(f"/requests/{case_id}/sign", headers=worker)
    assert signed.json()["reporter"] == {"name": NAME, "phone": PHONE}


def test_a_worker_sees_no_reporter_on_a_case_not_assigned_to_it(api: Api) -> None:
    case_id, _ = reported(api)
    other = api.client.get(f"/requests/{case_id}", headers=api.auth("eng-zhao", "worker"))
    assert other.status_code == 404
    earlier = api.client.get(f"/requests/{case_id}", headers=api.agent).json()["last_occurred_at"]
    api.act(case_id, "dispatch", {"assignee": "eng-zhao"})
    for params in ({}, {"as_of": earlier}):
        taken = api.client.get(
            f"/requests/{case_id}", params=params, headers=api.auth("eng-wang", "worker")
        )
        assert taken.status_code == 404
        assert NAME not in taken.text
        assert PHONE not in taken.text


def test_channels_see_no_reporter(api: Api) -> None:
    channel = api.auth("hotline", "channel")
    api.auth("desk-li", "agent")  # a receiver a channel names is a known agent
    created = api.client.post(
        "/requests",
        json={**REPAIR, "received_by": "desk-li", "reporter": {"name": NAME, "phone": PHONE}},
        headers={**channel, "Idempotency-Key": "k-1"},
    )
    assert created.status_code == 201, created.text
    assert created.json()["reporter"] is None
    assert NAME not in created.text
    read = api.client.get(f"/requests/{created.json()['id']}", headers=channel)
    assert read.status_code == 200, read.text
    assert read.json()["reporter"] is None


def test_no_answer_to_an_analyst_holds_personal_data_or_the_reporter_reference(api: Api) -> None:
    case_id, ref = reported(api)
    head = api.head()
    answers = [
        api.client.get("/events", headers=api.analyst),
        api.client.get("/reports/sla", params={"min_position": head}, headers=api.analyst),
        api.client.get("/reports/first-contact", headers=api.analyst),
        api.client.get(f"/requests/{case_id}", headers=api.analyst),
        api.client.get(f"/requests/{case_id}/history", headers=api.analyst),
        api.client.get("/requests", headers=api.analyst),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 403, 403, 403]
    for answer in answers:
        for secret in (NAME, PHONE, ref, "fingerprint", "reporter"):
            assert secret not in answer.text


def test_the_event_feed_carries_no_free_text(api: Api) -> None:
    reported(api)
    response = api.client.get("/events", headers=api.analyst)
    assert response.status_code == 200, response.text
    assert response.json()["events"], "the feed is empty"
    feed = response.text
    for text in ("burst pipe", "morning visit", "spare valve"):
        assert text not in feed


def test_a_history_shows_no_reporter_reference(api: Api) -> None:
    case_id, ref = reported(api)
    history = api.client.get(f"/requests/{case_id}/history", headers=api.supervisor)
    assert history.status_code == 200, history.text
    assert history.json()["events"], "the history is empty"
    assert ref not in history.text
    assert PHONE not in history.text


def test_an_erased_reporter_is_gone_from_the_case(api: Api) -> None:
    case_id, ref = reported(api)
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    assert runtime.service.reporters.erase(ref)
    case = api.client.get(f"/requests/{case_id}", headers=api.agent).json()
    assert case["reporter"] is None


# Fields of the feed that are not texts at all: vocabularies, derived values, money.
NOT_TEXT = {
    "kind", "channel", "category", "previous_category", "priority", "outcome", "area",
    "amount", "deposit", "fee", "refunded", "withheld",
}  # fmt: skip


def test_every_text_the_feed_carries_is_one_kept_to_a_rule() -> None:
    texts = FEED_FIELDS - NOT_TEXT
    assert texts == set(LABELLED) - {"actor"}, "a feed field that no rule keeps"
    assert "actor" in LABELLED


def test_the_feed_withholds_old_values_that_the_rules_now_refuse(api_on: Api) -> None:
    """Stored events are never rewritten: a location with a phone number in it, recorded
    before the rules, stays in the history but not in the analysts' feed."""
    service = api_on.client.app.state.runtime.service  # type: ignore[attr-defined]
    case_id = api_on.create("repair")["id"]
    stored = service.recorder.select_events(UUID(case_id))[0]
    state = json.loads(stored.state)
    state.update(location=f"3-2-1201 {NAME} {PHONE}", actor="desk zhang", received_by="王先生 138")
    old = replace(stored, originator_id=uuid4(), state=json.dumps(state).encode())
    service.recorder.insert_events([old])
    service.dispatch(old.originator_id, actor="desk-li", assignee="eng-wang", team="engineering")

    feed = api_on.client.get("/events", headers=api_on.analyst)
    assert feed.status_code == 200, feed.text
    new, legacy, dispatched = feed.json()["events"]
    assert (new["actor"], new["data"]["location"]) == ("desk-zhang", "3-2-1201")
    assert (legacy["actor"], legacy["data"]["location"], legacy["data"]["received_by"]) == (
        WITHHELD,
        WITHHELD,
        WITHHELD,
    )
    assert (dispatched["actor"], dispatched["data"]["assignee"]) == ("desk-li", "eng-wang")
    for secret in (NAME, PHONE, "desk zhang"):
        assert secret not in feed.text
    history = api_on.client.get(f"/requests/{old.originator_id}/history", headers=api_on.supervisor)
    assert history.json()["events"][0]["data"]["location"] == f"3-2-1201 {NAME} {PHONE}"
