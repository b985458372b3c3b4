"""A console to drive from a real browser: `propdesk serve`'s app in a thread on a loopback
port (support.live_server), over a database seeded through the HTTP API as a desk would
fill it, with a staff account of every role.

Two communities, `east` (东苑) and `west` (西苑). The agent and the worker see `east` only,
so a `west` case is theirs to be refused (404, as the API answers); the supervisor, the
admin and the analyst see both. Among the cases, one whose description is a script tag:
put on hold for a reason that is one too: the console must show both as text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from api.config.server import ServerConfig
from api.console.navigation import Page as ConsolePage
from api.console.pages import ROUTERS
from api.storage.tokens import open_tokens
from api.storage.users import open_users
from support.live_server import live_server
from support.request_bodies import BODIES

EAST, WEST = "east", "west"
PASSWORD = "correct horse battery staple"
XSS = "<script>alert(1)</script>"


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    communities: frozenset[str] | None  # None: every community


ACCOUNTS = {
    a.role: a
    for a in (
        Account("boss-liu", "supervisor", None),
        Account("it-li", "admin", None),
        Account("desk-zhang", "agent", frozenset({EAST})),
        Account("eng-wang", "worker", frozenset({EAST})),
        Account("ana-chen", "analyst", None),
    )
}

# Blocked by the throttle test for five minutes: no other test signs in with it.
THROTTLED = Account("desk-wu", "agent", frozenset({EAST}))


@dataclass
class SeededConsole:
    """The running console and what was put in it."""

    base: str
    db: str
    token: str  # a supervisor's, for every community: the API's figures to compare with
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)  # by a name of its own

    def case_id(self, name: str) -> str:
        return str(self.cases[name]["id"])

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def east_cases(self) -> list[dict[str, Any]]:
        return [c for c in self.cases.values() if c["community"] == EAST]


def _accounts(config: ServerConfig) -> None:
    users = open_users(config.settings)
    try:
        for account in (*ACCOUNTS.values(), THROTTLED):
            users.add(account.name, account.role, account.communities, PASSWORD)
    finally:
        users.close()


class _Desk:
    """Records cases and sends commands over HTTP, as the desk and the engineers would."""

    def __init__(self, client: httpx.Client, agent: str, worker: str) -> None:
        self.client = client
        self.agent = {"Authorization": f"Bearer {agent}"}
        self.worker = {"Authorization": f"Bearer {worker}"}
        self.position = 0
        self.keys = 0

    def _sent(self, answer: httpx.Response, expected: int) -> dict[str, Any]:
        assert answer.status_code == expected, answer.text
        self.position = max(self.position, int(answer.headers.get("x-event-position", 0)))
        body: dict[str, Any] = answer.json()
        return body

    def receive(self, kind: str, community: str, **fields: Any) -> dict[str, Any]:
        self.keys += 1
        headers = {**self.agent, "Idempotency-Key": f"browser-seed-{self.keys}"}
        body = {**BODIES[kind], "community": community, **fields}
        return self._sent(self.client.post("/requests", json=body, headers=headers), 201)

    def act(self, case: dict[str, Any], command: str, by_worker: bool = False, **body: Any) -> None:
        headers = self.worker if by_worker else self.agent
        path = f"/requests/{case['id']}/{command}"
        self._sent(self.client.post(path, json=body, headers=headers), 200)

    def caught_up(self) -> None:
        """Waits until the read models hold every case sent (read your writes)."""
        answer = self.client.get(
            "/requests", params={"min_position": self.position}, headers=self.agent
        )
        assert answer.status_code == 200, answer.text


def _seed(base: str, config: ServerConfig) -> SeededConsole:
    tokens = open_tokens(config.settings)
    try:
        admin = tokens.issue("it-chen", "admin")
        agent = tokens.issue("desk-zhang", "agent")
        worker = tokens.issue("eng-wang", "worker")
        supervisor = tokens.issue("boss-liu", "supervisor")
    finally:
        tokens.close()
    with httpx.Client(base_url=base, timeout=30) as client:
        for code, name in ((EAST, "东苑"), (WEST, "西苑")):
            added = client.post(
                "/communities",
                json={"code": code, "name": name},
                headers={"Authorization": f"Bearer {admin}"},
            )
            assert added.status_code == 201, added.text
        desk = _Desk(client, agent, worker)
        reporter = {"name": "王先生", "phone": "13900000001"}
        cases = {
            "burst pipe": desk.receive("repair", EAST, reporter=reporter),
            "gate": desk.receive("complaint", EAST),
            "script": desk.receive("repair", EAST, description=XSS, priority="normal"),
            "kitchen": desk.receive("renovation", EAST),
            "waiting for parts": desk.receive("repair", EAST, location="1-1-101"),
            "done": desk.receive("repair", EAST, location="2-1-502", priority="normal"),
            "west": desk.receive("repair", WEST, location="8-1-801"),
            # Recorded three hours late, never dispatched: its dispatch milestone breached.
            "late": desk.receive("repair", EAST, location="6-2-1602", received_at=_ago(3)),
        }
        for name in ("burst pipe", "script", "done"):
            desk.act(cases[name], "dispatch", assignee="eng-wang")
        desk.act(cases["waiting for parts"], "dispatch", assignee="eng-zhou")
        desk.act(cases["waiting for parts"], "hold", reason="waiting for parts")
        desk.act(cases["script"], "hold", by_worker=True, reason=XSS)  # shown in the queue
        desk.act(cases["done"], "sign", by_worker=True)
        desk.act(cases["done"], "arrive", by_worker=True)
        desk.act(cases["done"], "complete", by_worker=True, resolution="replaced the valve")
        desk.act(cases["west"], "dispatch", assignee="eng-wang-west")
        desk.caught_up()
    return SeededConsole(base, config.settings.db, supervisor, cases)


def _ago(hours: int) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


@contextmanager
def seeded_console(db: str) -> Iterator[SeededConsole]:
    """The console served on `db` (a fresh database), seeded, with its accounts."""
    # One process on PostgreSQL too: the server follows the log itself, as on SQLite.
    config = ServerConfig.load({}, db=db, follow=True)
    _accounts(config)
    with live_server(config) as live:
        yield _seed(live.base, config)


# -- in the browser ----------------------------------------------------------------

OpenAs = Callable[[str], Page]  # the `open_as` fixture: a new page signed in as a role


def sign_in_as(page: Page, role: str) -> None:
    """Through the form, as a person would; lands on the role's first page."""
    account = ACCOUNTS[role]
    page.goto("/console/login")
    page.fill("input[name=username]", account.name)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/console/login" not in page.url, f"{account.name} was not signed in"


def routed(page: ConsolePage) -> bool:
    """Whether the console serves the page yet (pages are added one by one)."""
    paths = {getattr(r, "path", None) for router in ROUTERS for r in router.routes}
    return page.path in paths


def needs(page: ConsolePage) -> None:
    if not routed(page):
        pytest.skip(f"the {page.name} page ({page.path}) is not served yet")
