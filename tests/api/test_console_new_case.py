"""A new case recorded at the desk (/console/new): the agent who sends the form receives
it; the same form sent twice makes one case; invalid input keeps what was typed with the
message next to its field; open cases it may duplicate are listed as the agent types."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from httpx import Response
from test_console_callbacks import caught_up

from api.storage.users import UserStore
from projections.calendar import SHANGHAI
from support.api_client import Api
from support.console import csrf_of, sign_in


def form_fields(page: str) -> dict[str, str]:
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert key is not None
    return {"csrf": csrf_of(page), "idempotency_key": key.group(1)}


def typed(**changes: str) -> dict[str, str]:
    return {
        "kind": "repair", "category": "plumbing", "priority": "emergency", "channel": "phone",
        "location": "3-2-1201", "description": "厨房水管爆裂", "reporter_name": "王先生",
        "reporter_phone": "13800000000", "occurred_at": "", **changes,
    }  # fmt: skip


def send(api: Api, page: str, **changes: str) -> Response:
    data = {**form_fields(page), **typed(**changes)}
    return api.client.post("/console/new", data=data, follow_redirects=False)


def as_agent(api: Api, users: UserStore) -> str:
    sign_in(api.client, users, "desk-zhou", "agent")
    return api.client.get("/console/new").text


def test_a_case_recorded_at_the_desk_is_received_and_owned_by_the_agent_who_sent_it(
    api_on: Api, users: UserStore
) -> None:
    page = as_agent(api_on, users)
    sent = send(api_on, page)
    assert sent.status_code == 303, sent.text
    found = re.fullmatch(r"/console/cases/([0-9a-f-]+)\?done=receive", sent.headers["location"])
    assert found is not None
    case = api_on.client.get(f"/requests/{found.group(1)}", headers=api_on.supervisor).json()
    assert (case["received_by"], case["first_contact_owner"]) == ("desk-zhou", "desk-zhou")
    assert (case["kind"], case["category"], case["priority"]) == ("repair", "plumbing", "emergency")
    assert case["reporter"]["name"] == "王先生"
    shown = api_on.client.get(sent.headers["location"]).text
    assert 'data-done="receive"' in shown
    assert "dispatch" in re.findall(r"/commands/([a-z-]+)\"", shown)


def test_the_same_form_sent_twice_records_one_case(api_on: Api, users: UserStore) -> None:
    page = as_agent(api_on, users)
    first, second = send(api_on, page), send(api_on, page)
    assert (first.status_code, second.status_code) == (303, 303)
    assert first.headers["location"] == second.headers["location"]
    caught_up(api_on)
    listed = api_on.client.get("/requests", headers=api_on.supervisor).json()
    assert len(listed["items"]) == 1


def test_the_same_key_with_other_fields_is_refused_and_records_nothing_more(
    api_on: Api, users: UserStore
) -> None:
    page = as_agent(api_on, users)
    assert send(api_on, page).status_code == 303
    again = send(api_on, page, location="5-1-101")
    assert again.status_code == 409
    assert 'value="5-1-101"' in again.text
    caught_up(api_on)
    assert len(api_on.client.get("/requests", headers=api_on.supervisor).json()["items"]) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "elevator_music"}, "category"),
        ({"category": "fees"}, "category"),  # a complaint's, not a repair's
        ({"location": ""}, "location"),
        ({"reporter_name": "", "reporter_phone": "13800000000"}, "reporter_name"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "2099-01-01T09:00"}, "occurred_at"),
    ],
)
def test_invalid_input_is_shown_beside_its_field_with_what_was_typed_kept(
    api_on: Api, users: UserStore, changes: dict[str, str], field: str
) -> None:
    page = as_agent(api_on, users)
    sent = send(api_on, page, **changes)
    assert sent.status_code == 422, sent.text
    assert f'id="n-{field}-error"' in sent.text
    assert "厨房水管爆裂" in sent.text  # the description typed is kept
    caught_up(api_on)
    assert api_on.client.get("/requests", headers=api_on.supervisor).json()["items"] == []


def test_open_cases_at_the_same_location_or_of_the_category_in_the_building_are_hinted(
    api_on: Api, users: UserStore
) -> None:
    same_place = api_on.create("repair", location="3-2-1201", category="electrical")
    lift = api_on.create("repair", location="3-1-101", category="elevator")
    api_on.create("repair", location="30-1-101", category="elevator")  # another building
    api_on.create("repair", location="4-1-101", category="elevator")
    late = {"received_at": (datetime.now(UTC) - timedelta(hours=30)).isoformat()}
    api_on.create("repair", location="3-2-1201", late_reason="paper log", **late)  # too old
    closed = api_on.create("repair", location="3-2-1201")
    api_on.act(closed["id"], "cancel", {"reason": "duplicate"})
    caught_up(api_on)
    as_agent(api_on, users)
    hints = api_on.client.get(
        "/console/new/similar",
        params={"community": "", "location": "3-2-1201", "category": "elevator"},
    )
    assert hints.status_code == 200
    listed = re.findall(r'data-similar="([0-9a-f-]+)"', hints.text)
    assert listed == [lift["id"], same_place["id"]]
    assert f'href="/console/cases/{lift["id"]}?act=urge#actions"' in hints.text


def test_a_supervisor_is_offered_the_similar_case_but_no_urge_they_may_not_record(
    api_on: Api, users: UserStore
) -> None:
    open_case = api_on.create("repair", location="3-2-1201")
    caught_up(api_on)
    sign_in(api_on.client, users, "boss-zhao", "supervisor")
    asked = {"community": "", "location": "3-2-1201", "category": ""}
    hints = api_on.client.get("/console/new/similar", params=asked).text
    assert re.findall(r'data-similar="([0-9a-f-]+)"', hints) == [open_case["id"]]
    assert "?act=urge" not in hints  # the case page would have no urge form for them
    as_agent(api_on, users)
    hints = api_on.client.get("/console/new/similar", params=asked).text
    assert f'href="/console/cases/{open_case["id"]}?act=urge#actions"' in hints


def test_the_categories_follow_the_kind(api_on: Api, users: UserStore) -> None:
    as_agent(api_on, users)
    part = api_on.client.get("/console/new/choices", params={"kind": "complaint"}).text
    categories = re.search(r'name="category"[^>]*>(.*?)</select>', part, re.S)
    assert categories is not None
    assert re.findall(r'<option value="([a-z_]+)"', categories.group(1)) == [
        "engineering", "environment", "security", "customer_service", "fees",
    ]  # fmt: skip


@pytest.mark.parametrize("role", ["worker", "analyst"])
def test_workers_and_analysts_may_not_record_cases_at_the_desk(
    api_on: Api, users: UserStore, role: str
) -> None:
    sign_in(api_on.client, users, f"someone-{role}", role)
    assert api_on.client.get("/console/new").status_code == 403


def test_an_agent_of_one_community_has_it_chosen_and_may_not_record_in_another(
    api_on: Api, users: UserStore
) -> None:
    admin = api_on.auth("it-chen", "admin")
    for code in ("sunny-garden", "lake"):
        api_on.client.post("/communities", json={"code": code, "name": code}, headers=admin)
    sign_in(api_on.client, users, "desk-wu", "agent", ["sunny-garden"])
    page = api_on.client.get("/console/new").text
    assert '<option value="sunny-garden" selected>' in page
    assert 'value="lake"' not in page
    refused = send(api_on, page, community="lake")
    assert refused.status_code == 403
    caught_up(api_on)
    assert api_on.client.get("/requests", headers=api_on.supervisor).json()["items"] == []
    local = datetime.now(SHANGHAI).strftime("%Y-%m-%dT%H")
    assert f'value="{local}' in page  # when it happened: now, by default


def test_a_description_with_a_phone_number_is_refused_beside_it_in_chinese_and_kept_as_typed(
    api_on: Api, users: UserStore
) -> None:
    page = as_agent(api_on, users)
    typed_text = "厨房漏水，业主电话 138-1234-5678"
    sent = send(api_on, page, description=typed_text)
    assert sent.status_code == 422, sent.text
    error = re.search(r'<p class="field-error" id="n-description-error">([^<]*)</p>', sent.text)
    assert error is not None, sent.text
    assert error.group(1) == (
        "这里似乎有手机号码（138****5678）。个人信息不记入工单历史：请把报事人的姓名和电话"
        "填在报事人栏，不要写在这段文字里。"
    )
    assert f">{typed_text}</textarea>" in sent.text
    caught_up(api_on)
    assert api_on.client.get("/requests", headers=api_on.supervisor).json()["items"] == []
