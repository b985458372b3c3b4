"""The demo's staff accounts for the web console, one of each role a visitor would try,
named as the simulation's own staff so that each finds their work in the console: the
supervisor, a hotline agent (the owner of many first contacts), an engineer of the first
community (with cases assigned to them), an analyst and an administrator (who alone reads
the access log). Their passwords are generated at each run and printed once, at the end.
"""

from __future__ import annotations

import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from api.config.settings import Settings
from api.simulation.simulator import Scenario
from api.simulation.world import DESK_AGENTS, SUPERVISOR, crew_for
from api.storage.users import open_users
from api.terminal.consoles import text

CONSOLE_URL = "http://127.0.0.1:8000/console/login"  # `propdesk serve`'s default address


@dataclass(frozen=True)
class DemoAccount:
    name: str
    role: str
    communities: tuple[str, ...] | None  # None: every community
    password: str


def planned(scenario: Scenario) -> list[tuple[str, str, tuple[str, ...] | None]]:
    """(name, role, scope) of each account. The engineer sees their own community; the
    others, the whole company, as the hotline and the service centre do."""
    first = scenario.sites()[0].code
    _, engineers = crew_for("plumbing", first)
    own = (first,) if scenario.communities else None  # one community: it is every one
    return [
        (SUPERVISOR, "supervisor", None),
        (DESK_AGENTS[0], "agent", None),
        (engineers[0], "worker", own),
        ("analyst-qian", "analyst", None),
        ("admin-it", "admin", None),
    ]


def create_accounts(settings: Settings, scenario: Scenario) -> tuple[DemoAccount, ...]:
    """The accounts, in the demo's fresh database; only Argon2id hashes are stored."""
    users = open_users(settings)
    try:
        made = []
        for name, role, scope in planned(scenario):
            password = secrets.token_urlsafe(12)
            users.add(name, role, scope, password)
            made.append(DemoAccount(name, role, scope, password))
        return tuple(made)
    finally:
        users.close()


def _command() -> str:
    """How this propdesk was started (`.venv/bin/propdesk` under `make demo`)."""
    started = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    return str(started) if started is not None and started.name == "propdesk" else "propdesk"


def print_sign_in(console: Console, db: Path, accounts: tuple[DemoAccount, ...]) -> None:
    """The last words of the demo: how to start the server and whom to sign in as."""
    console.print()
    console.print(Text("the web console", style="bold") + Text(": start the server, then sign in"))
    console.print(text(f"    {_command()} serve --db {db}"))
    console.print(text(f"    open {CONSOLE_URL}"))
    table = Table(title="demo accounts (passwords shown once)")
    for column in ("name", "role", "communities", "password"):
        table.add_column(column, no_wrap=column in ("name", "password"))
    for account in accounts:
        scope = "all" if account.communities is None else ", ".join(account.communities)
        table.add_row(account.name, account.role, scope, account.password)
    console.print(table)
