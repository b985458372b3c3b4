"""Finding a resident's cases on the console's queue: by case number (the case opens), by
the reporter's phone (agents and supervisors only), by a location and the units under it,
by words of the description; in the visitor's communities, on each backend."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from test_console_callbacks import caught_up

from api.storage.users import UserStore
from support.api_client import Api
from support.console import sign_in

_ROW = re.compile(r'<tr data-case="([0-9a-f-]+)"')


def listed(api: Api, **query: str) -> list[str]:
    answer = api.client.get("/console/cases", params={"state": "all", **query})
    assert answer.status_code == 200, answer.text
    return _ROW.findall(answer.text)


def test_a_case_number_opens_the_case(api_on: Api, users: UserStore) -> None:
    case = api_on.create("repair")
    sign_in(api_on.client, users, "desk-zhou", "agent")
    found = api_on.client.get("/console/cases", params={"number": case["number"]},
                              follow_redirects=False)  # fmt: skip
    assert found.status_code == 303
    assert api_on.client.get(found.headers["location"]).status_code == 200
    assert case["id"] in api_on.client.get(found.headers["location"]).text


def test_the_reporters_phone_finds_their_open_and_ended_cases(
    api_on: Api, users: UserStore
) -> None:
    phone = "13912345678"
    first = api_on.create("repair", reporter={"name": "王先生", "phone": phone})
    second = api_on.create("complaint", reporter={"name": "王先生", "phone": phone})
    api_on.act(first["id"], "cancel", {"reason": "fixed it himself"})
    api_on.create("repair", reporter={"name": "李女士", "phone": "13700000000"})
    caught_up(api_on)
    sign_in(api_on.client, users, "desk-zhou", "agent")
    assert sorted(listed(api_on, phone=phone)) == sorted([first["id"], second["id"]])
    assert listed(api_on, phone="13900000000") == []
    page = api_on.client.get("/console/cases", params={"phone": phone}).text
    assert f'name="phone" type="tel" value="{phone}"' in page  # the search stays in its box


@pytest.mark.parametrize("role", ["worker", "analyst"])
def test_a_role_that_sees_no_reporter_may_not_search_by_phone(
    api_on: Api, users: UserStore, role: str
) -> None:
    api_on.create("repair", reporter={"name": "王先生", "phone": "13912345678"})
    sign_in(api_on.client, users, f"someone-{role}", role)
    page = api_on.client.get("/console/cases")
    assert 'name="phone"' not in page.text
    refused = api_on.client.get("/console/cases", params={"phone": "13912345678"})
    assert refused.status_code == 403
    assert "find cases by the reporter&#39;s phone number" in refused.text


def test_a_location_finds_every_unit_under_it_and_words_the_descriptions_that_hold_them(
    api_on: Api, users: UserStore
) -> None:
    unit = api_on.create("repair", location="3-2-1201", description="卫生间漏水 water on the floor")
    entrance = api_on.create("repair", location="3-2", description="楼道灯不亮")
    api_on.create("repair", location="3-20-101", description="卫生间漏水")
    caught_up(api_on)
    sign_in(api_on.client, users, "desk-zhou", "agent")
    assert sorted(listed(api_on, location="3-2")) == sorted([unit["id"], entrance["id"]])
    assert listed(api_on, location="3-2", text="漏水 WATER") == [unit["id"]]
    assert listed(api_on, text="100%") == []  # a wildcard is itself
    too_many = api_on.client.get("/console/cases", params={"text": "a b c d e f"})
    assert too_many.status_code == 422


def test_a_search_keeps_to_the_visitors_communities(api_on: Api, users: UserStore) -> None:
    admin = api_on.auth("it-chen", "admin")
    for code in ("sunny-garden", "lake"):
        api_on.client.post("/communities", json={"code": code, "name": code}, headers=admin)
    phone = "13912345678"
    mine = api_on.create("repair", community="sunny-garden",
                         reporter={"name": "王先生", "phone": phone})  # fmt: skip
    api_on.create("repair", community="lake", reporter={"name": "王先生", "phone": phone})
    caught_up(api_on)
    sign_in(api_on.client, users, "desk-wu", "agent", ["sunny-garden"])
    assert listed(api_on, phone=phone) == [mine["id"]]


def test_a_past_view_finds_by_location_the_cases_received_by_then(
    api_on: Api, users: UserStore
) -> None:
    before = api_on.create("repair", location="5-1-101")
    api_on.act(before["id"], "dispatch", {"assignee": "eng-wang"})
    then = datetime.now(UTC)
    api_on.act(before["id"], "sign", {})
    api_on.create("repair", location="5-1-102")  # after the instant
    caught_up(api_on)
    sign_in(api_on.client, users, "boss-liu", "supervisor")
    assert listed(api_on, location="5-1", as_of=then.isoformat()) == [before["id"]]
