"""The console in a real browser: Playwright drives Debian's Chromium (never a downloaded
browser) against a live server on each backend, seeded with a case or two and an account
of every role (support.browser_server). The tests that record cases and send commands
(the workbench's) use a second console seeded alike (`workbench`, `work_as`), so that the
other tests may count the first one's cases exactly.

Without /usr/bin/chromium every test here is skipped, saying so; with
PROPDESK_REQUIRE_BROWSER=1 (as `.ci/run` sets, after installing it) they fail instead.
pytest-playwright empties test-results/ at each session: nothing is kept there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from support.backends import BACKENDS, database
from support.browser_server import OpenAs, SeededConsole, seeded_console, sign_in_as
from support.chromium import CHROMIUM, CHROMIUM_FLAGS


@pytest.fixture(scope="session", autouse=True)
def chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = (
        f"browser tests need Debian's Chromium at {CHROMIUM}: "
        "apt-get install --no-install-recommends chromium fonts-noto-cjk libatomic1 "
        "(.ci/run installs it)"
    )
    if os.environ.get("PROPDESK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PROPDESK_REQUIRE_BROWSER=1 but {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], chromium: Path
) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": str(chromium), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A desk's screen in China: 1280x800, Chinese first."""
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 800},
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend of this run's consoles: one parameter for both, so that a test using
    the two runs once per backend, not once per pair."""
    return str(request.param)


@pytest.fixture(scope="session")
def console(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededConsole]:
    with (
        database(backend, tmp_path_factory.mktemp("browser")) as db,
        seeded_console(db) as running,
    ):
        yield running


@pytest.fixture(scope="session")
def workbench(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededConsole]:
    """A second console, seeded alike, for the tests that record cases and send commands
    from the browser: the other tests count the seeded cases of `console` exactly."""
    with (
        database(backend, tmp_path_factory.mktemp("workbench")) as db,
        seeded_console(db) as running,
    ):
        yield running


@pytest.fixture(scope="session")
def base_url(console: SeededConsole) -> str:
    """pytest-base-url's fixture: `page.goto("/console/cases")` goes to the live server."""
    return console.base


@pytest.fixture(scope="session")
def saved_sessions(console: SeededConsole) -> dict[str, Any]:
    """Each role's signed-in browser state on this console, signed in once (Argon2 is slow
    on purpose). A test that changes its session (language, sign-out) signs in itself."""
    return {}


@pytest.fixture
def open_as(
    browser: Browser,
    browser_context_args: dict[str, Any],
    new_context: Callable[..., BrowserContext],
    saved_sessions: dict[str, Any],
) -> OpenAs:
    """A new page in a context signed in as the role's account."""

    def opened(role: str) -> Page:
        if role not in saved_sessions:
            context = browser.new_context(**browser_context_args)
            try:
                sign_in_as(context.new_page(), role)
                saved_sessions[role] = context.storage_state()
            finally:
                context.close()
        return new_context(storage_state=saved_sessions[role]).new_page()

    return opened


@pytest.fixture(scope="session")
def workbench_sessions(workbench: SeededConsole) -> dict[str, Any]:
    """Each role's signed-in browser state on the workbench's console."""
    return {}


@pytest.fixture
def work_as(
    browser: Browser,
    browser_context_args: dict[str, Any],
    workbench: SeededConsole,
    workbench_sessions: dict[str, Any],
) -> Iterator[OpenAs]:
    """`open_as` on the workbench's console: a new page signed in as the role's account."""
    args = {**browser_context_args, "base_url": workbench.base}
    contexts: list[BrowserContext] = []

    def opened(role: str) -> Page:
        if role not in workbench_sessions:
            context = browser.new_context(**args)
            try:
                sign_in_as(context.new_page(), role)
                workbench_sessions[role] = context.storage_state()
            finally:
                context.close()
        contexts.append(browser.new_context(**args, storage_state=workbench_sessions[role]))
        return contexts[-1].new_page()

    yield opened
    for context in contexts:
        context.close()
