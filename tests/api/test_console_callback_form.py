"""The callback (回访) from the callback queue: the row's link opens the case with the
callback form open; the outcome is recorded and the queue says what became of the case:
closed, reopened for rework, or still waiting with the attempt counted."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from test_console_callbacks import caught_up, resolved

from api.storage.users import open_users
from support.api_client import Api
from support.console import csrf_of, sign_in


def call_back(api: Api, case: str, outcome: str) -> tuple[str, str]:
    """Follows the queue's link, sends the open form; the page it lands on, and where."""
    queue = api.client.get("/console/callbacks").text
    link = re.search(rf'data-call-back="{case}" href="([^"]+)"', queue)
    assert link is not None, queue
    page = api.client.get(link.group(1).replace("&amp;", "&")).text
    form = re.search(
        r'<details class="command" data-command="callback" open>(.*?)</details>', page, re.S
    )
    assert form is not None, page
    version = re.search(r'name="version" value="(\d+)"', form.group(1))
    assert version is not None
    assert 'name="next" value="/console/callbacks"' in form.group(1)
    sent = api.client.post(
        f"/console/cases/{case}/commands/callback",
        data={
            "csrf": csrf_of(page),
            "version": version.group(1),
            "next": "/console/callbacks",
            "outcome": outcome,
            "comment": "住户说好了",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    target = sent.headers["location"]
    assert target == f"/console/callbacks?done=callback&case={case}"
    caught_up(api)
    return api.client.get(target).text, target


def state_of(api: Api, case: str) -> str:
    return str(api.client.get(f"/requests/{case}", headers=api.agent).json()["state"])


def as_agent(api: Api) -> None:
    users = open_users(api.config.settings)
    try:
        sign_in(api.client, users, "desk-zhou", "agent")
    finally:
        users.close()


def test_a_satisfied_resident_closes_the_case_and_it_leaves_the_queue(api_on: Api) -> None:
    case = resolved(api_on, timedelta(hours=3), timedelta(hours=2))
    caught_up(api_on)
    as_agent(api_on)
    page, _ = call_back(api_on, case, "satisfied")
    assert state_of(api_on, case) == "closed"
    assert re.search(
        rf'data-done="callback" data-case="{case}">.*?data-outcome="satisfied"', page, re.S
    )
    assert f'data-call-back="{case}"' not in page


def test_an_unsatisfied_resident_reopens_the_case_for_rework_and_the_page_says_so(
    api_on: Api,
) -> None:
    case = resolved(api_on, timedelta(hours=3), timedelta(hours=2))
    caught_up(api_on)
    as_agent(api_on)
    page, _ = call_back(api_on, case, "unsatisfied")
    assert state_of(api_on, case) == "reopened"
    assert 'data-outcome="unsatisfied"' in page
    assert f'data-call-back="{case}"' not in page


@pytest.mark.parametrize("attempts", [1, 2])
def test_an_unreachable_resident_keeps_the_case_waiting_with_each_attempt_counted(
    api_on: Api, attempts: int
) -> None:
    case = resolved(api_on, timedelta(hours=3), timedelta(hours=2))
    caught_up(api_on)
    as_agent(api_on)
    for _ in range(attempts):
        page, _ = call_back(api_on, case, "unreachable")
    assert state_of(api_on, case) == "completed"
    notice = re.search(r'data-outcome="unreachable">(.*?)</strong>', page, re.S)
    assert notice is not None
    assert str(attempts) in notice.group(1)
    row = re.search(rf'<tr data-case="{case}"[^>]*>(.*?)</tr>', page, re.S)
    assert row is not None
    assert row.group(1).count("<li>") == attempts  # each attempt listed with who and when
