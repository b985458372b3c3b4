"""The callback queue page (回访): completed cases waiting for their callback, overdue first,
with earlier unreachable attempts, in the visitor's communities; as of a past instant and
as CSV too; on each backend."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.console.callback_queue import WAITING
from api.storage.users import UserStore, open_users
from projections.calendar import SHANGHAI
from support.api_client import Api
from support.console import sign_in
from workflow.lifecycles import LIFECYCLES

REASON = "entered from the paper log"
_ROW = re.compile(r'<tr data-case="([0-9a-f-]+)"( class="overdue")?>(.*?)</tr>', re.S)


def ago(span: timedelta) -> str:
    return (datetime.now(UTC) - span).isoformat()


def resolved(api: Api, received: timedelta, done: timedelta, **fields: Any) -> str:
    """A repair received `received` ago and resolved at first contact `done` ago."""
    late = {"late_reason": REASON} if received > timedelta(hours=23) else {}
    case = api.create("repair", received_at=ago(received), **late, **fields)
    late = {"late_reason": REASON} if done > timedelta(hours=23) else {}
    answer = api.act(
        case["id"], "resolve", {"resolution": "told the resident", "at": ago(done), **late}
    )
    assert answer.status_code == 200, answer.text
    return str(case["id"])


def as_supervisor(api: Api) -> None:
    """The test client signed in as a supervisor of every community."""
    users = open_users(api.config.settings)
    try:
        sign_in(api.client, users, "boss-liu", "supervisor")
    finally:
        users.close()


def caught_up(api: Api) -> None:
    """The read models have every event written so far."""
    answer = api.client.get("/requests", params={"min_position": api.head()}, headers=api.agent)
    assert answer.status_code == 200, answer.text


def rows(page: str) -> list[tuple[str, bool, str]]:
    """Each row of the queue: its case id, whether it is overdue, its cells."""
    return [(m.group(1), bool(m.group(2)), m.group(3)) for m in _ROW.finditer(page)]


def test_completed_cases_wait_overdue_first_and_closed_or_open_ones_do_not(
    api_on: Api, users: UserStore
) -> None:
    overdue = resolved(api_on, timedelta(days=4), timedelta(days=4))  # due a day ago
    recent = resolved(api_on, timedelta(days=6), timedelta(hours=1))  # received first
    closed = resolved(api_on, timedelta(hours=3), timedelta(hours=2))
    assert api_on.act(closed, "callback", {"outcome": "satisfied"}).status_code == 200
    api_on.create("repair")  # open: not completed
    caught_up(api_on)
    sign_in(api_on.client, users, "boss-liu", "supervisor")
    page = api_on.client.get("/console/callbacks")
    assert page.status_code == 200
    found = rows(page.text)
    assert [(case, late) for case, late, _ in found] == [(overdue, True), (recent, False)]
    number = api_on.client.get(f"/requests/{overdue}", headers=api_on.agent).json()["number"]
    assert f'<a href="/console/cases/{overdue}">{number}</a>' in found[0][2]


def test_an_unreachable_attempt_is_listed_with_who_and_when_and_the_case_keeps_waiting(
    api_on: Api, users: UserStore
) -> None:
    case = resolved(api_on, timedelta(hours=3), timedelta(hours=2))
    attempted = datetime.now(UTC) - timedelta(minutes=30)
    tried = api_on.act(case, "callback", {"outcome": "unreachable", "at": attempted.isoformat()})
    assert tried.status_code == 200, tried.text
    caught_up(api_on)
    sign_in(api_on.client, users, "boss-liu", "supervisor")
    [(shown, late, cells)] = rows(api_on.client.get("/console/callbacks").text)
    assert (shown, late) == (case, False)
    shown_at = attempted.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    assert f"<li>{shown_at} · desk-zhang</li>" in cells


def test_a_scoped_agent_sees_only_their_communities_and_may_not_name_another(
    api_on: Api, users: UserStore
) -> None:
    admin = api_on.auth("it-chen", "admin")
    for code in ("sunny-garden", "lake"):
        added = api_on.client.post("/communities", json={"code": code, "name": code}, headers=admin)
        assert added.status_code == 201, added.text
    mine = resolved(api_on, timedelta(hours=3), timedelta(hours=2), community="sunny-garden")
    resolved(api_on, timedelta(hours=3), timedelta(hours=2), community="lake")
    caught_up(api_on)
    sign_in(api_on.client, users, "desk-wu", "agent", ["sunny-garden"])
    assert [r[0] for r in rows(api_on.client.get("/console/callbacks").text)] == [mine]
    refused = api_on.client.get("/console/callbacks", params={"community": "lake"})
    assert refused.status_code == 403
    sign_in(api_on.client, users, "boss-liu", "supervisor")
    both = api_on.client.get("/console/callbacks").text
    assert len(rows(both)) == 2
    only = api_on.client.get("/console/callbacks", params={"community": "sunny-garden"}).text
    assert [r[0] for r in rows(only)] == [mine]


@pytest.mark.parametrize("role", ["worker", "analyst"])
def test_workers_and_analysts_may_not_open_the_callback_queue(api: Api, role: str) -> None:
    users = open_users(api.config.settings)
    try:
        sign_in(api.client, users, f"someone-{role}", role)
    finally:
        users.close()
    answer = api.client.get("/console/callbacks")
    assert answer.status_code == 403
    assert "<h1>" in answer.text


def test_the_past_view_shows_a_case_that_waited_then_and_is_closed_now(api: Api) -> None:
    case = resolved(api, timedelta(hours=3), timedelta(hours=2))
    then = datetime.now(UTC)
    assert api.act(case, "callback", {"outcome": "basically_satisfied"}).status_code == 200
    caught_up(api)
    as_supervisor(api)
    assert rows(api.client.get("/console/callbacks").text) == []
    past = api.client.get("/console/callbacks", params={"as_of": then.isoformat()})
    assert past.status_code == 200
    assert [r[0] for r in rows(past.text)] == [case]
    assert 'class="past"' in past.text


def test_the_past_view_keeps_a_case_waiting_since_and_leaves_out_one_completed_after(
    api: Api,
) -> None:
    waiting = resolved(api, timedelta(hours=3), timedelta(hours=2))
    later = api.create("repair", received_at=ago(timedelta(hours=1)))["id"]
    then = datetime.now(UTC)
    done = api.act(later, "resolve", {"resolution": "told the resident"})
    assert done.status_code == 200, done.text
    caught_up(api)
    as_supervisor(api)
    live = {r[0] for r in rows(api.client.get("/console/callbacks").text)}
    assert live == {waiting, later}
    past = api.client.get("/console/callbacks", params={"as_of": then.isoformat()})
    assert [r[0] for r in rows(past.text)] == [waiting]


def test_the_csv_download_holds_the_rows_of_the_list(api: Api) -> None:
    first = resolved(api, timedelta(days=4), timedelta(days=4))
    second = resolved(api, timedelta(hours=3), timedelta(hours=2))
    api.act(second, "callback", {"outcome": "unreachable"})
    caught_up(api)
    as_supervisor(api)
    answer = api.client.get("/console/callbacks", params={"format": "csv", "kind": "repair"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert [r["case_id"] for r in table] == [first, second]
    assert float(table[0]["minutes_left"]) < 0
    assert table[1]["unreachable_attempts"].endswith(" desk-zhang")
    assert table[0]["number"].startswith("BX-")


def test_a_malformed_filter_answers_422_as_a_page(api: Api) -> None:
    as_supervisor(api)
    answer = api.client.get("/console/callbacks", params={"kind": "laundry"})
    assert answer.status_code == 422
    assert "query.kind" in answer.text


def test_every_kind_records_its_callback_in_the_one_state_the_queue_lists() -> None:
    for kind, lifecycle in LIFECYCLES.items():
        waiting = [s for s in lifecycle.states if "callback" in lifecycle.allowed(s)]
        assert waiting == [WAITING], kind
