"""The demo's console accounts: one of each role a visitor tries, named as the simulated
staff (the engineer has cases assigned to them), their generated passwords signing in, and
the closing words that say how to start the server and whom to sign in as."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from api.cli.demo import DemoResult, run_demo
from api.cli.demo_accounts import CONSOLE_URL, print_sign_in
from api.config.settings import Settings
from api.simulation.simulator import Scenario
from api.simulation.sites import company_sites
from api.storage.users import UserStore, open_users
from api.wiring import open_service
from workflow.events import Dispatched
from workflow.roles import Role

END = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)  # a fixed period: the same story every day


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    db = tmp_path_factory.mktemp("demo") / "accounts.db"
    # Big enough that the first community's first engineer is sent work (seed 7).
    scenario = Scenario(households=1000, days=10, end=END, communities=company_sites(1000, 3))
    return run_demo(Settings.load({}, db=str(db)), scenario, console=Console(file=io.StringIO()))


@pytest.fixture
def users(company: DemoResult) -> Iterator[UserStore]:
    store = open_users(Settings.load({}, db=str(company.db)))
    yield store
    store.close()


def test_the_demo_creates_a_supervisor_an_agent_a_worker_an_analyst_and_an_admin(
    company: DemoResult,
) -> None:
    roles = {a.role: a for a in company.accounts}
    assert sorted(roles) == ["admin", "agent", "analyst", "supervisor", "worker"]
    assert roles["supervisor"].name == "sup-huang"  # the simulation's own supervisor
    assert roles["agent"].name.startswith("desk-")
    first = company.scenario.communities[0].code
    assert roles["worker"].name == f"eng-wang-{first}"
    assert roles["worker"].communities == (first,)
    for role in ("supervisor", "agent", "analyst", "admin"):
        assert roles[role].communities is None
    assert len({a.password for a in company.accounts}) == len(company.accounts)


def test_each_demo_password_signs_its_account_in_with_its_role_and_scope(
    company: DemoResult, users: UserStore
) -> None:
    for account in company.accounts:
        found = users.authenticate(account.name, account.password)
        assert found is not None, account.name
        assert found.role is Role(account.role)
        assert users.authenticate(account.name, account.password + "x") is None


def test_the_demo_worker_has_cases_assigned_to_them(company: DemoResult) -> None:
    worker = next(a for a in company.accounts if a.role == "worker")
    service = open_service(Settings.load({}, db=str(company.db)))
    try:
        recorder = service.recorder
        last = recorder.max_notification_id() or 0
        events = [
            service.mapper.to_domain_event(n)
            for n in recorder.select_notifications(start=1, limit=last + 1)
        ]
        assigned = {
            e.originator_id
            for e in events
            if isinstance(e, Dispatched) and e.assignee == worker.name
        }
    finally:
        service.close()
    assert assigned


def test_the_closing_words_say_how_to_serve_and_whom_to_sign_in_as(
    company: DemoResult,
) -> None:
    out = io.StringIO()
    print_sign_in(Console(file=out, width=200), company.db, company.accounts)
    said = out.getvalue()
    assert f"propdesk serve --db {company.db}" in said
    assert CONSOLE_URL in said
    for account in company.accounts:
        assert account.name in said
        assert account.password in said


def test_the_passwords_differ_from_one_run_to_the_next(tmp_path: Path) -> None:
    scenario = Scenario(households=40, days=1)
    settings = Settings.load({}, db=str(tmp_path / "one.db"))
    quiet = Console(file=io.StringIO())
    first = run_demo(settings, scenario, console=quiet).accounts
    again = run_demo(settings, scenario, console=quiet).accounts  # replaces its own file
    assert [a.name for a in first] == [a.name for a in again]
    assert {a.password for a in first}.isdisjoint({a.password for a in again})
    assert [a.communities for a in again if a.role == "worker"] == [None]  # one community
