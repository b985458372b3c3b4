from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.config.settings import Settings
from api.wiring import open_service
from support.backends import BACKENDS, database
from support.chromium import is_browser_test
from support.readside import Scenario
from workflow.service import CaseService


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests last: Playwright's synchronous API keeps an event loop running in
    the main thread from its first use to the session's end, and a test after it could
    not call asyncio.run()."""
    items.sort(key=lambda item: is_browser_test(Path(str(item.path))))


@pytest.fixture
def memory_app() -> Iterator[CaseService]:
    app = CaseService({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield app
    app.close()


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[CaseService]:
    app = open_service(Settings.load({}, db=str(tmp_path / "propdesk.db")))
    yield app
    app.close()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database on each real backend: tests written once, run on both."""
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(params=["memory", *BACKENDS])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CaseService]:
    """The application on every store: in memory, SQLite and PostgreSQL."""
    if request.param == "memory":
        service = CaseService({"PERSISTENCE_MODULE": "eventsourcing.popo"})
        yield service
        service.close()
        return
    with database(request.param, tmp_path) as url:
        service = open_service(Settings.load({}, db=url))
        yield service
        service.close()


@pytest.fixture(autouse=True)
def private_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files a deployment keeps in the user's configuration directory (the audit key of a
    PostgreSQL deployment) go to the test's own directory, never the user's."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture(autouse=True)
def close_scenarios() -> Iterator[None]:
    """Scenarios a test left open are closed after it (their connections, on PostgreSQL)."""
    yield
    Scenario.close_all()
