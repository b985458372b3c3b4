"""What the browser itself enforces: text from residents and staff shows as text and never
runs; no page asks another origin for anything; every page carries the security headers
and loads only its own scripts (htmx, and on the live queue the stream's listener), without
a Content-Security-Policy violation."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Dialog, Page, Request, expect

from api.console.navigation import PAGES
from support.browser_server import ACCOUNTS, XSS, OpenAs, SeededConsole, needs, routed
from workflow.roles import Role


def _scripts(page: Page) -> list[tuple[str, str]]:
    """(src, inline text) of every script element of the page's DOM."""
    found: list[list[str]] = page.evaluate(
        "() => Array.from(document.querySelectorAll('script'), s => [s.src, s.textContent])"
    )
    return [(src, text) for src, text in found]


def _watch_dialogs(page: Page) -> list[str]:
    opened: list[str] = []

    def dismissed(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismissed)
    return opened


def _no_script_but_ours(page: Page, console: SeededConsole, *more: str) -> None:
    """htmx, and the files named in `more`; no inline script."""
    files = ("htmx.min.js", *more)
    assert _scripts(page) == [(console.url(f"/console/static/{f}"), "") for f in files]


def test_a_script_in_a_hold_reason_shows_as_text_in_the_queue_and_never_runs(
    open_as: OpenAs, console: SeededConsole
) -> None:
    page = open_as("supervisor")
    dialogs = _watch_dialogs(page)
    page.goto("/console/cases?state=all")
    row = page.locator(f"tr[data-case='{console.case_id('script')}']")
    expect(row).to_contain_text(XSS)
    _no_script_but_ours(page, console, "live.js")
    page.wait_for_timeout(300)  # a dialog would open at once
    assert dialogs == []


def test_a_script_in_a_description_shows_as_text_on_the_case_page_and_never_runs(
    open_as: OpenAs, console: SeededConsole
) -> None:
    needs(PAGES["case"])
    page = open_as("supervisor")
    dialogs = _watch_dialogs(page)
    page.goto(f"/console/cases/{console.case_id('script')}")
    expect(page.get_by_text(XSS).first).to_be_visible()
    _no_script_but_ours(page, console)
    page.wait_for_timeout(300)
    assert dialogs == []


def _walk(open_as: OpenAs, console: SeededConsole, watch: Callable[[Page], None]) -> None:
    """Every page of the console, a case page in the past included, each opened by the admin
    where the admin may, else by the first seeded account that may (a worker for the
    engineer's page, a supervisor for the new-case form); `watch` is given each role's page
    before it loads any."""
    queues = ("/console/login", "/console/cases?state=all", "/console/cases?as_of=2026-01-01")
    visited = [("admin", path) for path in queues]
    for name, found in PAGES.items():
        if routed(found) and name != "cases":
            role = next(r for r in ("admin", *ACCOUNTS) if Role(r) in found.roles)
            visited.append((role, found.path.format(case_id=console.case_id("burst pipe"))))
    pages: dict[str, Page] = {}
    for role, path in visited:
        if role not in pages:
            pages[role] = open_as(role)
            watch(pages[role])
        answer = pages[role].goto(path)
        assert answer is not None
        assert answer.status == 200, path
        pages[role].wait_for_load_state("networkidle")


def test_no_page_requests_anything_from_another_origin(
    open_as: OpenAs, console: SeededConsole
) -> None:
    requested: list[str] = []

    def record(request: Request) -> None:
        requested.append(request.url)

    _walk(open_as, console, lambda page: page.on("request", record))
    origins = {"{0.scheme}://{0.netloc}".format(urlsplit(url)) for url in requested}
    assert origins == {console.base}, requested
    # The walk did fetch the pages' own files and every page: the test watched real loads.
    assert console.url("/console/static/htmx.min.js") in requested
    assert console.url("/console/static/console.css") in requested
    for found in PAGES.values():
        if routed(found) and "{" not in found.path:
            assert any(url.startswith(console.url(found.path)) for url in requested), found.path


def test_every_page_carries_the_security_headers_and_runs_htmx_without_a_csp_violation(
    open_as: OpenAs, console: SeededConsole
) -> None:
    page = open_as("admin")
    messages: list[str] = []
    errors: list[str] = []

    def logged(message: ConsoleMessage) -> None:
        messages.append(message.text)

    page.on("console", logged)
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path in ("/console/login", "/console/cases", "/console/no-such-page"):
        answer = page.goto(path)
        assert answer is not None
        headers = answer.headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "default-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        page.wait_for_load_state("load")
        assert page.evaluate("typeof htmx") == "object", path
    # htmx at work: the queue's table refreshed as its 30-second timer does it.
    page.goto("/console/cases")
    with page.expect_response(
        lambda r: r.request.headers.get("hx-request") == "true" and "/console/cases" in r.url
    ) as refreshed:
        page.evaluate("htmx.ajax('GET', location.href, {target: '#queue', swap: 'outerHTML'})")
    assert refreshed.value.status == 200
    expect(page.locator("#queue table.cases")).to_have_count(1)
    violations = [m for m in messages if "Content Security Policy" in m]
    assert violations == []
    assert errors == []
