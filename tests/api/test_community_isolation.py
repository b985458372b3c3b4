"""Two communities, A and B, each worked through tokens scoped to it: whatever is done in
B, no answer to A's tokens holds a case id, location or staff name that exists only in B,
and every count A is given counts A's cases alone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.api_client import Api, running
from support.backends import BACKENDS, database
from support.request_bodies import REPAIR
from support.scoped_company import bearer

A, B = "a-garden", "b-garden"
# Some locations both communities have (their numbering is alike), some one has.
LOCATIONS = ["1-1-101", "2-3-502", "9-1-1801", "north gate", "car park B2"]


@dataclass
class Side:
    code: str
    tokens: dict[str, dict[str, str]]
    cases: list[str] = field(default_factory=list)
    locations: set[str] = field(default_factory=set)
    staff: set[str] = field(default_factory=set)


@dataclass
class World:
    api: Api
    sides: dict[str, Side]
    keys: Iterator[int] = field(default_factory=lambda: iter(range(10**9)))


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One deployment for every example on each backend: what examples leave behind is
    more history for the next to keep apart."""
    with (
        database(request.param, tmp_path_factory.mktemp("isolation")) as db,
        running(db, follow=True) as api,
    ):
        admin = bearer(api.tokens.issue("it-chen", "admin"))
        sides = {}
        for code, letter in ((A, "a"), (B, "b")):
            added = api.client.post(
                "/communities", json={"code": code, "name": code}, headers=admin
            )
            assert added.status_code == 201, added.text
            tokens = {
                role: bearer(api.tokens.issue(f"{role}-{letter}", role, {code}))
                for role in ("channel", "agent", "supervisor", "analyst")
            }
            sides[code] = Side(code, tokens, staff={f"agent-{letter}", f"supervisor-{letter}"})
        yield World(api, sides)


operation = st.one_of(
    st.tuples(
        st.just("receive"),
        st.sampled_from([A, B]),
        st.sampled_from(LOCATIONS) | st.from_regex(r"[1-9]-[1-4]-[1-9]0[1-4]", fullmatch=True),
        st.integers(0, 5),  # which desk clerk received it (a channel names them)
    ),
    st.tuples(st.just("dispatch"), st.sampled_from([A, B]), st.integers(0, 50), st.integers(0, 5)),
    st.tuples(st.just("cancel"), st.sampled_from([A, B]), st.integers(0, 50), st.just(0)),
)


def _apply(world: World, step: tuple[str, str, Any, int]) -> None:
    what, code, target, who = step
    side, client = world.sides[code], world.api.client
    letter = code[0]
    if what == "receive":
        receiver = f"clerk-{letter}-{who}"
        if receiver not in side.staff:  # a receiver a channel names is a known agent
            world.api.tokens.issue(receiver, "agent", {code})
        body = {**REPAIR, "location": target, "received_by": receiver}
        headers = {**side.tokens["channel"], "Idempotency-Key": f"k-{next(world.keys)}"}
        answer = client.post("/requests", json=body, headers=headers)
        assert answer.status_code == 201, answer.text
        side.cases.append(answer.json()["id"])
        side.locations.add(target)
        side.staff.add(receiver)
        return
    if not side.cases:
        return
    case = side.cases[target % len(side.cases)]
    if what == "dispatch":
        worker = f"eng-{letter}-{who}"
        sent = {"assignee": worker}
        answer = client.post(f"/requests/{case}/dispatch", json=sent, headers=side.tokens["agent"])
        if answer.status_code == 200:
            side.staff.add(worker)
    else:
        sent = {"reason": "a duplicate"}
        answer = client.post(
            f"/requests/{case}/cancel", json=sent, headers=side.tokens["supervisor"]
        )
    assert answer.status_code in (200, 409, 422), answer.text  # 422: already its assignee


def _answers_to(world: World, side: Side) -> dict[str, Any]:
    client, tokens = world.api.client, side.tokens
    caught_up = {"min_position": world.api.head()}
    found = {
        "list": client.get(
            "/requests", params={**caught_up, "limit": 200}, headers=tokens["agent"]
        ),
        "sla": client.get("/reports/sla", params=caught_up, headers=tokens["analyst"]),
        "first-contact": client.get(
            "/reports/first-contact", params=caught_up, headers=tokens["supervisor"]
        ),
        "events": client.get("/events", params={"limit": 1000}, headers=tokens["analyst"]),
        "communities": client.get("/communities", headers=tokens["channel"]),
    }
    for case in side.cases[-3:]:
        found[case] = client.get(f"/requests/{case}/history", headers=tokens["supervisor"])
    for name, answer in found.items():
        assert answer.status_code == 200, (name, answer.text)
    return {name: answer.json() for name, answer in found.items()}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(operation, min_size=1, max_size=6))
def test_no_answer_to_one_communitys_tokens_holds_anything_only_the_other_has(
    world: World, steps: list[tuple[str, str, Any, int]]
) -> None:
    for step in steps:
        _apply(world, step)
    for mine, theirs in ((world.sides[A], world.sides[B]), (world.sides[B], world.sides[A])):
        answers = _answers_to(world, mine)
        text = json.dumps(answers, ensure_ascii=False)
        only_theirs = (
            set(theirs.cases)
            | (theirs.locations - mine.locations)
            | (theirs.staff - mine.staff)
            | {theirs.code}
        )
        leaked = sorted(s for s in only_theirs if json.dumps(s, ensure_ascii=False) in text)
        assert leaked == [], f"{mine.code}'s answers hold {leaked}"
        assert len(answers["list"]["items"]) == len(mine.cases)
        received = sum(row["received"] for row in answers["first-contact"]["rows"])
        assert received == len(mine.cases)
        assert {e["case_id"] for e in answers["events"]["events"]} == set(mine.cases)
