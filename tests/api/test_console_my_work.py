"""The engineer's page (我的工单): a worker's open assigned cases, most urgent first, each
with its due times and the commands a worker may send now; sent from there, the worker
comes back to it; no one else's case is listed, and other roles have no such page."""

from __future__ import annotations

import re

import pytest
from test_console_callbacks import caught_up

from api.storage.users import UserStore
from support.api_client import Api
from support.console import csrf_of, sign_in

_JOB = re.compile(r'<li class="job" data-case="([0-9a-f-]+)">(.*?)</li>\n(?=<li|</ol>)', re.S)


def dispatched(api: Api, to: str, priority: str = "normal", **more: str) -> str:
    case = api.create("repair", priority=priority, **more)
    assert api.act(case["id"], "dispatch", {"assignee": to}).status_code == 200
    return str(case["id"])


def jobs(page: str) -> list[tuple[str, str]]:
    return _JOB.findall(page)


def test_a_worker_sees_their_open_cases_most_urgent_first_with_the_forms_of_each(
    api_on: Api, users: UserStore
) -> None:
    normal = dispatched(api_on, "eng-wang")
    urgent = dispatched(api_on, "eng-wang", "emergency")
    dispatched(api_on, "eng-li", "emergency")
    done = dispatched(api_on, "eng-wang")
    for command, fields in (("sign", {}), ("arrive", {}), ("complete", {"resolution": "ok"})):
        assert api_on.act(done, command, fields).status_code == 200
    caught_up(api_on)
    sign_in(api_on.client, users, "eng-wang", "worker")
    page = api_on.client.get("/console/my")
    assert page.status_code == 200
    listed = jobs(page.text)
    assert [case for case, _ in listed] == [urgent, normal]
    first = listed[0][1]
    assert re.findall(r'/commands/([a-z-]+)"', first) == ["sign", "hold"]
    assert re.search(r'data-milestone="[a-z_]+"', first)
    assert 'name="next" value="/console/my"' in first


def test_signing_from_the_page_records_it_and_comes_back_saying_so(
    api_on: Api, users: UserStore
) -> None:
    case = dispatched(api_on, "eng-wang")
    caught_up(api_on)
    sign_in(api_on.client, users, "eng-wang", "worker")
    page = api_on.client.get("/console/my").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    sent = api_on.client.post(
        f"/console/cases/{case}/commands/sign",
        data={"csrf": csrf_of(page), "version": version.group(1), "next": "/console/my"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/console/my?done=sign&case={case}"
    caught_up(api_on)
    back = api_on.client.get(sent.headers["location"]).text
    assert 'data-done="sign"' in back
    [(shown, forms)] = jobs(back)
    assert shown == case
    assert re.findall(r'/commands/([a-z-]+)"', forms)[0] == "arrive"


def test_a_worker_lands_on_their_page_after_signing_in(api_on: Api, users: UserStore) -> None:
    users.add("eng-wang", "worker", None, "correct horse battery staple")
    form = api_on.client.get("/console/login").text
    answer = api_on.client.post(
        "/console/login",
        data={
            "username": "eng-wang",
            "password": "correct horse battery staple",
            "csrf": csrf_of(form),
            "next": "",
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/console/my"


@pytest.mark.parametrize("role", ["agent", "supervisor", "analyst"])
def test_other_roles_have_no_engineers_page(api_on: Api, users: UserStore, role: str) -> None:
    sign_in(api_on.client, users, f"someone-{role}", role)
    assert api_on.client.get("/console/my").status_code == 403
