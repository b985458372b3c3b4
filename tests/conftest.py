from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.settings import Settings
from api.wiring import open_service
from workflow.service import CaseService


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


@pytest.fixture(params=["memory", "sqlite"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CaseService]:
    """The application on each embedded backend: tests written once, run on both."""
    if request.param == "memory":
        service = CaseService({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    else:
        service = open_service(Settings.load({}, db=str(tmp_path / "propdesk.db")))
    yield service
    service.close()
