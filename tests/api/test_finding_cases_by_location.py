"""Finding a resident's cases by where they are: `location_prefix` takes a unit and every
unit under it, segment by segment, and its wildcards are plain characters; on each
backend."""

from __future__ import annotations

from support.api_client import Api


def found(api: Api, prefix: str) -> list[str]:
    answer = api.client.get(
        "/requests",
        params={"location_prefix": prefix, "limit": 200, "min_position": api.head()},
        headers=api.agent,
    )
    assert answer.status_code == 200, answer.text
    return sorted(item["location"] for item in answer.json()["items"])


def test_a_prefix_finds_the_units_under_it_segment_by_segment(api_on: Api) -> None:
    api = api_on
    for location in ("3-2-101", "3-2-1201", "3-20-101", "3-1-101", "13-2-101", "north gate"):
        api.create("repair", location=location)
    assert found(api, "3-2") == ["3-2-101", "3-2-1201"]
    assert found(api, "3") == ["3-1-101", "3-2-101", "3-2-1201", "3-20-101"]
    assert found(api, "3-2-101") == ["3-2-101"]
    assert found(api, "north gate") == ["north gate"]
    assert found(api, "3-2-10") == []


def test_wildcards_in_a_prefix_match_only_themselves(api_on: Api) -> None:
    api = api_on
    api.create("repair", location="3-2-101")
    assert found(api, "%") == []
    assert found(api, "3-_") == []
    assert found(api, "3-2!") == []


def test_a_prefix_keeps_to_the_rules_of_text(api: Api) -> None:
    answer = api.client.get("/requests", params={"location_prefix": "3-2\u0000"}, headers=api.agent)
    assert answer.status_code == 422
    assert "location_prefix" in answer.text
    empty = api.client.get("/requests", params={"location_prefix": ""}, headers=api.agent)
    assert empty.status_code == 422
