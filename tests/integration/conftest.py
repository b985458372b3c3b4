"""Fixtures of the integration tier: the settings and the application on each backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.config.settings import Settings
from api.wiring import open_service
from workflow.service import CaseService


@pytest.fixture
def settings(db: str) -> Settings:
    """The default settings on a fresh database of each backend."""
    return Settings.load({}, db=db)


@pytest.fixture
def service(settings: Settings) -> Iterator[CaseService]:
    """The application as the wiring opens it, on `settings`' database."""
    app = open_service(settings)
    yield app
    app.close()
