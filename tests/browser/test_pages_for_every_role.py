"""Every console page for every role, in Chromium: a page the role may open renders with
its heading; any other answers 403, and a case outside the account's communities (or, for
a worker, not assigned to them) 404, exactly as the API answers."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from api.console.navigation import PAGES
from support.browser_server import ACCOUNTS, OpenAs, SeededConsole, needs
from workflow.roles import Role

ROLES = list(ACCOUNTS)


def _path(page_name: str, console: SeededConsole, case: str = "burst pipe") -> str:
    return PAGES[page_name].path.format(case_id=console.case_id(case))


def _opened(page: Page, path: str) -> int:
    answer = page.goto(path)
    assert answer is not None
    return answer.status


@pytest.mark.parametrize("page_name", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_its_pages_and_is_refused_the_others(
    open_as: OpenAs, console: SeededConsole, role: str, page_name: str
) -> None:
    needs(PAGES[page_name])
    page = open_as(role)
    status = _opened(page, _path(page_name, console))
    heading = page.locator("h1")
    if Role(role) in PAGES[page_name].roles:
        assert status == 200, page.content()
        expect(heading).to_have_count(1)
        expect(heading).not_to_be_empty()
    else:
        assert status == 403
        expect(heading).to_contain_text("403")
        assert page.url == console.url(_path(page_name, console))  # not sent to sign in


@pytest.mark.parametrize(
    ("role", "case", "status"),
    [
        ("agent", "west", 404),  # another community's case is missing for them
        ("worker", "west", 404),
        ("worker", "gate", 404),  # not assigned to them
        ("worker", "script", 200),
        ("supervisor", "west", 200),
        ("analyst", "west", 200),
    ],
)
def test_a_case_page_outside_the_accounts_scope_is_not_found(
    open_as: OpenAs, console: SeededConsole, role: str, case: str, status: int
) -> None:
    needs(PAGES["case"])
    page = open_as(role)
    assert _opened(page, _path("case", console, case)) == status
    expect(page.locator("h1")).to_have_count(1)
    if status == 404:
        assert console.cases[case]["number"] not in page.content()


def test_a_case_id_that_is_no_case_answers_404_with_the_error_page(
    open_as: OpenAs, console: SeededConsole
) -> None:
    needs(PAGES["case"])
    page = open_as("supervisor")
    assert _opened(page, "/console/cases/00000000-0000-4000-8000-000000000000") == 404
    expect(page.locator("h1")).to_contain_text("404")
    expect(page.locator("main a[href='/console']")).to_be_visible()


def test_a_worker_s_queue_lists_only_the_cases_assigned_to_them(
    open_as: OpenAs, console: SeededConsole
) -> None:
    page = open_as("worker")
    assert _opened(page, "/console/cases?state=all") == 200
    listed = page.locator("table.cases tbody tr[data-case]")
    expect(listed).not_to_have_count(0)
    ids = set(listed.evaluate_all("rows => rows.map(r => r.dataset.case)"))
    mine = {console.case_id(name) for name in ("burst pipe", "script", "done")}
    assert ids == mine


def test_an_agent_s_queue_leaves_out_the_communities_they_do_not_serve(
    open_as: OpenAs, console: SeededConsole
) -> None:
    page = open_as("agent")
    assert _opened(page, "/console/cases?state=all") == 200
    rows = page.locator("table.cases tbody tr[data-case]")
    ids = set(rows.evaluate_all("rows => rows.map(r => r.dataset.case)"))
    assert ids == {str(c["id"]) for c in console.east_cases}
    boss = open_as("supervisor")
    assert _opened(boss, "/console/cases?state=all") == 200
    rows = boss.locator("table.cases tbody tr[data-case]")
    assert console.case_id("west") in rows.evaluate_all("rows => rows.map(r => r.dataset.case)")


def test_a_page_that_does_not_exist_answers_404_with_the_error_page(
    open_as: OpenAs,
) -> None:
    page = open_as("agent")
    assert _opened(page, "/console/no-such-page") == 404
    expect(page.locator("h1")).to_contain_text("404")
