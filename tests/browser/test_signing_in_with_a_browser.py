"""Signing in and out through the console's forms in Chromium: the wrong password, the
throttle after five failures, and a form sent without its CSRF token."""

from __future__ import annotations

from playwright.sync_api import Page, Response, expect

from support.browser_server import ACCOUNTS, PASSWORD, THROTTLED, SeededConsole


def _submit_login(page: Page, name: str, password: str) -> Response:
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    with page.expect_response(
        lambda r: r.url.endswith("/console/login") and r.request.method == "POST"
    ) as answer:
        page.click("button[type=submit]")
    page.wait_for_load_state()
    return answer.value


def _session_cookies(page: Page) -> list[str]:
    return [c["name"] for c in page.context.cookies() if c["name"] == "propdesk_session"]


def test_a_page_asks_for_sign_in_and_the_form_brings_the_person_back_to_it(
    page: Page, console: SeededConsole
) -> None:
    page.goto("/console/cases?kind=repair")
    assert page.url.startswith(console.url("/console/login?next="))
    answer = _submit_login(page, ACCOUNTS["supervisor"].name, PASSWORD)
    assert answer.status == 303
    assert page.url == console.url("/console/cases?kind=repair")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("header .user")).to_contain_text("boss-liu")
    assert _session_cookies(page) == ["propdesk_session"]
    cookie = next(c for c in page.context.cookies() if c["name"] == "propdesk_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"


def test_a_wrong_password_says_so_keeps_the_name_and_opens_no_session(page: Page) -> None:
    page.goto("/console/login")
    answer = _submit_login(page, ACCOUNTS["agent"].name, "not the password at all")
    assert answer.status == 401
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    expect(page.locator("input[name=username]")).to_have_value(ACCOUNTS["agent"].name)
    expect(page.locator("input[name=password]")).to_have_value("")
    assert _session_cookies(page) == []


def test_signing_out_ends_the_session(page: Page, console: SeededConsole) -> None:
    page.goto("/console/login")
    _submit_login(page, ACCOUNTS["agent"].name, PASSWORD)
    page.click("header a[href='/console/logout']")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == console.url("/console/login")
    assert _session_cookies(page) == []
    page.goto("/console/cases")
    assert page.url.startswith(console.url("/console/login?next="))


def test_five_failed_logins_for_a_name_block_it_with_429_and_retry_after(page: Page) -> None:
    page.goto("/console/login")
    name = THROTTLED.name  # an account of its own: it stays blocked for five minutes
    for _ in range(5):
        assert _submit_login(page, name, "a wrong guess").status == 401
    blocked = _submit_login(page, name, PASSWORD)  # even the right password, now
    assert blocked.status == 429
    assert 1 <= int(blocked.headers["retry-after"]) <= 300
    expect(page.get_by_role("alert")).to_be_visible()
    assert _session_cookies(page) == []


def test_a_form_post_without_its_csrf_token_is_refused_and_does_nothing(
    page: Page, console: SeededConsole
) -> None:
    page.goto("/console/login")
    _submit_login(page, ACCOUNTS["supervisor"].name, PASSWORD)
    for form in ({}, {"csrf": "forged"}):
        refused = page.request.post(console.url("/console/logout"), form=form, max_redirects=0)
        assert refused.status == 403
        assert "<h1>" in refused.text()
    # The session was not ended by the refused sign-out.
    assert page.goto("/console/cases").status == 200  # type: ignore[union-attr]
    assert page.url == console.url("/console/cases")


def test_a_sign_in_without_the_forms_token_is_refused(page: Page, console: SeededConsole) -> None:
    page.goto("/console/login")
    account = ACCOUNTS["supervisor"]
    form = {"username": account.name, "password": PASSWORD, "next": ""}
    refused = page.request.post(console.url("/console/login"), form=form, max_redirects=0)
    assert refused.status == 403
    assert _session_cookies(page) == []
