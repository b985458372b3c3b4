"""Real databases for tests: a fresh SQLite file, or a fresh PostgreSQL database.

PostgreSQL tests need PROPDESK_TEST_POSTGRES (see scripts/test-postgres.sh).
Without it they are skipped, unless PROPDESK_REQUIRE_POSTGRES=1 (as in CI),
when its absence fails them.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

BACKENDS = ["sqlite", "postgres"]


def admin_url() -> str:
    url = os.environ.get("PROPDESK_TEST_POSTGRES")
    if not url:
        if os.environ.get("PROPDESK_REQUIRE_POSTGRES") == "1":
            pytest.fail("PROPDESK_REQUIRE_POSTGRES=1 but PROPDESK_TEST_POSTGRES is not set")
        pytest.skip("PostgreSQL not configured: run scripts/test-postgres.sh start")
    return url


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new, empty database on the test server; dropped afterwards."""
    base = admin_url()
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(base)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        _drop(base, name)


def _drop(base: str, name: str, attempts: int = 50) -> None:
    """WITH (FORCE) ends the test's own leftover connections, but the test role may not end
    another role's backend: an autovacuum worker busy on the database for a moment (seen
    once in CI). It soon ends on its own, so the drop is tried again."""
    for attempt in range(attempts):
        try:
            with psycopg.connect(base, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.errors.InsufficientPrivilege:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1)


@contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A PROPDESK_DB value for the backend."""
    if backend == "sqlite":
        yield str(tmp_path / "propdesk.db")
    else:
        with fresh_postgres() as url:
            yield url
