"""The HTTP API over real stores: the app's lifespan runs (TestClient as a context manager)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.storage.users import UserStore, open_users
from support.api_client import Api, running


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    """The app on a fresh SQLite file, following the log in-process."""
    with running(str(tmp_path / "propdesk.db")) as found:
        yield found


@pytest.fixture
def api_on(db: str) -> Iterator[Api]:
    """The app on each real backend (SQLite and PostgreSQL), following the log in-process."""
    with running(db, follow=True) as found:
        yield found


@pytest.fixture
def users(api_on: Api) -> Iterator[UserStore]:
    """The console's accounts of `api_on`'s deployment (sign in with support.console)."""
    store = open_users(api_on.config.settings)
    yield store
    store.close()
