"""The what-if page: the SLA report under the live policy and under a candidate (a stored
policy in the address, or an uploaded file), the differences marked, and for each changed
row the cases whose status changes; a malformed file is refused with the parser's message
and nothing is kept; on each backend."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from api.console.what_if.uploads import KEPT
from api.http.runtime import Runtime
from api.storage.users import UserStore, open_users
from projections.asof import Period
from projections.calendar import SHANGHAI
from projections.policy import PolicyError, parse_policy
from projections.replay import compare
from projections.reports import sla_report
from support.api_client import Api
from support.console import sign_in

LEVEL_2 = files("projections").joinpath("policies/level-2.toml").read_text(encoding="utf-8")
MALFORMED = 'name = "broken"\neffective = 2026-01-01\n[[milestone]]\nname = "dispatch"\n'
_CASE_ROW = re.compile(r'<tr data-case="([0-9a-f-]+)">(.*?)</tr>', re.S)
_LINK = re.compile(r'data-row="repair/emergency/dispatch">.*?<a href="([^"]+)">', re.S)


def dispatched_after(api: Api, minutes: int, **fields: Any) -> str:
    """An emergency repair received an hour ago, dispatched `minutes` after. The default
    policy gives dispatch 10 minutes, level-2 15."""
    received = datetime.now(UTC) - timedelta(hours=1)
    case = api.create("repair", received_at=received.isoformat(), **fields)
    at = (received + timedelta(minutes=minutes)).isoformat()
    answer = api.act(case["id"], "dispatch", {"assignee": "eng-wang", "at": at})
    assert answer.status_code == 200, answer.text
    return str(case["id"])


def three_dispatches(api: Api, **fields: Any) -> dict[str, str]:
    """Met under both, breached under both, and breached only under the live default."""
    cases = {
        "quick": dispatched_after(api, 5, **fields),
        "slow": dispatched_after(api, 20, **fields),
        "between": dispatched_after(api, 12, **fields),
    }
    answer = api.client.get("/requests", params={"min_position": api.head()}, headers=api.agent)
    assert answer.status_code == 200
    return cases


def read_models(rt: Runtime) -> list[list[dict[str, Any]]]:
    return [
        [dict(r) for r in rt.store.query(f"SELECT * FROM {table} ORDER BY {order}", [])]
        for table, order in (("rm_case_index", "case_id"), ("rm_milestones", "case_id, name"))
    ]


def listed(page: str) -> list[tuple[str, str, str]]:
    """The cases page's rows: case id, live status, candidate status."""
    found = []
    for case_id, cells in _CASE_ROW.findall(page):
        statuses = re.findall(r'data-status="([a-z_]*)"', cells)
        found.append((case_id, statuses[0], statuses[1]))
    return found


def cases_link(page: str) -> str:
    found = _LINK.search(page)
    assert found is not None, "the changed row has no link to its cases"
    return html.unescape(found.group(1))


def test_the_shipped_level_2_policy_shows_the_changed_row_and_its_cases(
    api_on: Api, users: UserStore
) -> None:
    cases = three_dispatches(api_on)
    sign_in(api_on.client, users, "ana-chen", "analyst")
    rt: Runtime = api_on.client.app.state.runtime  # type: ignore[attr-defined]
    before = read_models(rt)
    answer = api_on.client.get("/console/what-if", params={"policy": "level-2"})
    assert answer.status_code == 200, answer.text
    assert read_models(rt) == before  # the comparison replays into memory only
    row = answer.text.split('data-row="repair/emergency/dispatch">')[1].split("</tr>")[0]
    assert '<tr class="changed-row" data-row="repair/emergency/dispatch">' in answer.text
    assert 'class="number changed" data-field="live_met">1<' in row
    assert 'class="number changed" data-field="candidate_met"><ins>2</ins><' in row
    assert 'class="number changed" data-field="live_breached">2<' in row
    assert 'class="number" data-field="live_pending">0<' in row
    # The figures are the ones `propdesk replay` and the reports compute.
    link = cases_link(answer.text)
    asked = parse_qs(urlsplit(link).query)
    moment = datetime.fromisoformat(asked["as_of"][0])
    period = Period(*(datetime.fromisoformat(asked[k][0]).date() for k in ("from", "to")))
    expected = compare(
        sla_report(rt.store, rt.policy, period, moment),
        sla_report(rt.store, parse_policy(LEVEL_2), period, moment),
    )
    changed = [(r["kind"], r["priority"], r["milestone"]) for r in expected.differences]
    shown = re.findall(r'<tr class="changed-row" data-row="([^"]+)">', answer.text)
    assert shown == ["/".join(key) for key in changed]
    # The cases behind the row: exactly the one whose status changes.
    page = api_on.client.get(link)
    assert page.status_code == 200
    assert listed(page.text) == [(cases["between"], "breached", "met")]
    difference = next(r for r in expected.differences if r["milestone"] == "dispatch")
    assert difference["candidate_met"] - difference["live_met"] == 1


def test_an_uploaded_policy_is_compared_and_its_links_carry_its_digest(
    api_on: Api, users: UserStore
) -> None:
    cases = three_dispatches(api_on)
    csrf = sign_in(api_on.client, users, "boss-liu", "supervisor")
    stored = api_on.client.get("/console/what-if", params={"policy": "level-2"}).text
    answer = api_on.client.post(
        "/console/what-if",
        data={"csrf": csrf},
        files={"policy_file": ("level-2-copy.toml", LEVEL_2.encode(), "application/toml")},
    )
    assert answer.status_code == 200, answer.text
    digest = hashlib.sha256(LEVEL_2.encode()).hexdigest()
    link = cases_link(answer.text)
    assert parse_qs(urlsplit(link).query)["upload"] == [digest]
    assert re.findall(r'class="changed-row" data-row="([^"]+)"', answer.text) == re.findall(
        r'class="changed-row" data-row="([^"]+)"', stored
    )
    assert listed(api_on.client.get(link).text) == [(cases["between"], "breached", "met")]
    again = api_on.client.get("/console/what-if", params={"upload": digest})
    assert again.status_code == 200
    assert 'class="changed-row"' in again.text


def test_a_malformed_policy_is_refused_with_the_parser_s_message_and_nothing_is_kept(
    api_on: Api, users: UserStore
) -> None:
    three_dispatches(api_on)
    csrf = sign_in(api_on.client, users, "boss-liu", "supervisor")
    rt: Runtime = api_on.client.app.state.runtime  # type: ignore[attr-defined]
    head, versions = api_on.head(), rt.communities.policy_versions()
    answer = api_on.client.post(
        "/console/what-if",
        data={"csrf": csrf},
        files={"policy_file": ("broken.toml", MALFORMED.encode(), "application/toml")},
    )
    assert answer.status_code == 422
    with pytest.raises(PolicyError) as expected:
        parse_policy(MALFORMED, "broken.toml")
    assert html.escape(str(expected.value), quote=False) in answer.text
    assert 'class="changed-row"' not in answer.text
    assert api_on.head() == head
    assert rt.communities.policy_versions() == versions
    digest = hashlib.sha256(MALFORMED.encode()).hexdigest()
    assert KEPT.get(digest) is None
    gone = api_on.client.get("/console/what-if", params={"upload": digest})
    assert gone.status_code == 404
    assert 'role="alert"' in gone.text


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (b"\xff\xfe not text", "not UTF-8 text"),
        (b"   \n", "the file is empty"),
        (b"x" * 16_001, "at most 16000"),
        (b"name = [unclosed", "not valid TOML"),
    ],
)
def test_a_file_that_is_no_policy_answers_422_with_why(
    api: Api, content: bytes, found: str
) -> None:
    with_users = open_users(api.config.settings)
    try:
        csrf = sign_in(api.client, with_users, "boss-liu", "supervisor")
    finally:
        with_users.close()
    answer = api.client.post(
        "/console/what-if", data={"csrf": csrf}, files={"policy_file": ("p.toml", content)}
    )
    assert answer.status_code == 422
    assert found in answer.text


def test_an_upload_without_the_csrf_token_is_refused_with_403(api: Api) -> None:
    with_users = open_users(api.config.settings)
    try:
        sign_in(api.client, with_users, "boss-liu", "supervisor")
    finally:
        with_users.close()
    files = {"policy_file": ("level-2.toml", LEVEL_2.encode())}
    answer = api.client.post("/console/what-if", files=files)
    assert answer.status_code == 403
    wrong = api.client.post("/console/what-if", data={"csrf": "forged"}, files=files)
    assert wrong.status_code == 403
    assert KEPT.get(hashlib.sha256(b"never sent").hexdigest()) is None


@pytest.mark.parametrize("role", ["agent", "worker"])
def test_agents_and_workers_may_not_open_the_what_if_page(api: Api, role: str) -> None:
    with_users = open_users(api.config.settings)
    try:
        sign_in(api.client, with_users, f"someone-{role}", role)
    finally:
        with_users.close()
    assert api.client.get("/console/what-if").status_code == 403
    assert api.client.get("/console/what-if/cases").status_code == 403


def test_the_form_lists_the_shipped_policies_and_refuses_an_unknown_one(api: Api) -> None:
    with_users = open_users(api.config.settings)
    try:
        sign_in(api.client, with_users, "ana-chen", "analyst")
    finally:
        with_users.close()
    form = api.client.get("/console/what-if")
    assert form.status_code == 200
    assert '<option value="level-2"' in form.text
    assert '<option value="default"' in form.text
    unknown: httpx.Response = api.client.get("/console/what-if", params={"policy": "level-9"})
    assert unknown.status_code == 422
    assert "query.policy" in unknown.text


def test_a_community_s_recorded_policy_is_a_candidate_to_choose(
    api_on: Api, users: UserStore
) -> None:
    admin = api_on.auth("it-chen", "admin")
    added = api_on.client.post("/communities", json={"code": "lake", "name": "湖畔"}, headers=admin)
    assert added.status_code == 201, added.text
    today = datetime.now(UTC).astimezone(SHANGHAI).date().isoformat()
    own = api_on.client.post(
        "/communities/lake/policy", json={"policy": LEVEL_2, "from": today}, headers=admin
    )
    assert own.status_code == 200, own.text
    three_dispatches(api_on, community="lake")
    sign_in(api_on.client, users, "boss-liu", "supervisor")
    form = api_on.client.get("/console/what-if").text
    [key] = re.findall(r'<option value="(lake@\d+)"', form)
    answer = api_on.client.get("/console/what-if", params={"policy": key})
    assert answer.status_code == 200, answer.text
    assert cases_link(answer.text)
