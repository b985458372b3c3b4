"""Finding cases by words of their description: `text` finds the cases whose description
holds every word, anywhere (Chinese has no spaces), A-Z as a-z, its wildcards as plain
characters, as last corrected; within what the caller may list; on each backend."""

from __future__ import annotations

from typing import Any

import pytest

from support.api_client import Api
from support.scoped_company import EAST, WEST, company_of
from workflow.roles import Role


def found(api: Api, text: str, headers: dict[str, str] | None = None, **params: Any) -> set[str]:
    answer = api.client.get(
        "/requests",
        params={"text": text, "limit": 200, "min_position": api.head(), **params},
        headers=headers or api.agent,
    )
    assert answer.status_code == 200, answer.text
    return {item["id"] for item in answer.json()["items"]}


def test_a_case_is_found_when_its_description_holds_every_word(api_on: Api) -> None:
    api = api_on
    bathroom = api.create("repair", description="卫生间漏水, the Ceiling drips")["id"]
    kitchen = api.create("repair", description="厨房漏水")["id"]
    api.create("complaint", description="noise at night")
    assert found(api, "漏水") == {bathroom, kitchen}
    assert found(api, "漏水 卫生间") == {bathroom}
    assert found(api, "卫生间漏水") == {bathroom}
    assert found(api, "ceiling DRIPS") == {bathroom}  # A-Z as a-z, either side
    assert found(api, "  厨房\u3000漏水 ") == {kitchen}  # any spaces between words, ideographic too
    assert found(api, "漏水 night") == set()
    assert found(api, "lift") == set()
    assert found(api, "drips", kind="complaint") == set()
    assert found(api, "at", kind="complaint") != set()


def test_a_corrected_description_is_found_by_its_new_words_and_no_longer_by_its_old(
    api_on: Api,
) -> None:
    api = api_on
    case = api.create("repair", description="the kitchen tap drips")["id"]
    body = {"description": "卫生间的水管爆了", "reason": "the resident said bathroom"}
    assert api.act(case, "amend", body).status_code == 200
    assert found(api, "水管") == {case}
    assert found(api, "kitchen") == set()


def test_wildcards_in_a_word_match_only_themselves(api_on: Api) -> None:
    api = api_on
    percent = api.create("repair", description="the fee is 100% wrong")["id"]
    underscore = api.create("repair", description="the sign reads B_2")["id"]
    bang = api.create("repair", description="help! now")["id"]
    api.create("repair", description="the fee is 1000 wrong, says B12")
    assert found(api, "%") == {percent}
    assert found(api, "100%") == {percent}
    assert found(api, "_") == {underscore}
    assert found(api, "B_2") == {underscore}
    assert found(api, "1_0") == set()
    assert found(api, "!") == {bang}
    assert found(api, "help!") == {bang}


def test_a_word_search_keeps_to_what_the_caller_may_list(api_on: Api) -> None:
    company = company_of(api_on)
    api = api_on
    east = company.new_case(EAST, description="电梯 stuck")["id"]
    west = company.new_case(WEST, description="电梯 stuck")["id"]
    # Received by the desk, assigned to nobody, created by no channel.
    other = api.client.post(
        "/requests",
        json={
            "kind": "repair",
            "channel": "phone",
            "location": "1-1-101",
            "category": "plumbing",
            "priority": "normal",
            "description": "电梯 stuck",
            "community": EAST,
        },
        headers=company.east[Role.AGENT],
    )
    assert other.status_code == 201, other.text
    desk = other.json()["id"]
    assert found(api, "电梯", company.east[Role.AGENT]) == {east, desk}
    assert found(api, "电梯", company.east[Role.SUPERVISOR]) == {east, desk}
    assert found(api, "电梯", company.whole[Role.AGENT]) == {east, west, desk}
    assert found(api, "电梯", company.whole[Role.AGENT], community=WEST) == {west}
    # A worker finds the cases assigned to it, a channel those it created: the west case
    # is either's too, but outside their scope.
    assert found(api, "电梯", company.east[Role.WORKER]) == {east}
    assert found(api, "电梯", company.east[Role.CHANNEL]) == {east}


def test_a_word_search_pages_like_any_list(api_on: Api) -> None:
    api = api_on
    made = [api.create("repair", description=f"leak number {n}")["id"] for n in range(3)]
    api.create("repair", description="something else")
    pages, cursor = [], None
    while True:
        params = {"text": "leak", "limit": 2, "min_position": api.head()}
        params |= {"cursor": cursor} if cursor else {}
        page = api.client.get("/requests", params=params, headers=api.agent).json()
        pages.append([item["id"] for item in page["items"]])
        if (cursor := page["next_cursor"]) is None:
            break
    assert pages == [[made[2], made[1]], [made[0]]]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("a b c d e f", "6 words"),
        ("x" * 51, "a word of 51 characters"),
        ("   ", "no words"),
        ("", "no words"),
    ],
)
def test_a_word_search_says_what_it_allows(api: Api, text: str, said: str) -> None:
    answer = api.client.get("/requests", params={"text": text}, headers=api.agent)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["detail"] == (
        f"query.text: {said}; allowed: 1 to 5 words of 1 to 50 characters, split on spaces"
    )
    assert problem["errors"] == [{"field": "query.text", "message": problem["detail"][12:]}]


def test_the_longest_words_allowed_are_searched(api: Api) -> None:
    case = api.create("repair", description="y" * 50)["id"]
    assert found(api, " ".join(["y" * 50] * 5)) == {case}


def test_a_word_keeps_to_the_rules_of_text(api: Api) -> None:
    answer = api.client.get("/requests", params={"text": "漏\u0000水"}, headers=api.agent)
    assert answer.status_code == 422
    assert "text" in answer.text
