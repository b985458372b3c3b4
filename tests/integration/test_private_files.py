"""Files that hold personal data are readable by their owner only: the SQLite event store, its
WAL and shared memory, the read models and the lock files beside them are created with mode
0600, and an existing database that lets others in is tightened when it is opened."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.config.settings import Settings, read_models_path
from api.storage.tokens import open_tokens
from api.wiring import open_follower, open_service
from support.driver import new_request
from workflow.personal_data import Reporter


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common default, under which SQLite alone would create files readable by all."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def beside(database: Path) -> list[Path]:
    """The database, its journal files, the read models and theirs, and the lock files."""
    models = read_models_path(database)
    return [
        database,
        database.with_name(database.name + "-wal"),
        database.with_name(database.name + "-shm"),
        models,
        models.with_name(models.name + "-wal"),
        models.with_name(models.name + "-shm"),
        database.with_name(database.name + ".write-lock"),
        database.with_name(database.name + ".open-lock"),
    ]


def test_the_event_store_read_models_journals_and_lock_files_are_created_owner_only(
    tmp_path: Path,
) -> None:
    settings = Settings.load({}, db=str(tmp_path / "propdesk.db"))
    service = open_service(settings)
    service.receive(new_request("repair", reporter=Reporter("王芳", "13800000000")))
    follower = open_follower(settings, settings.policy, service)
    follower.catch_up()
    tokens = open_tokens(settings)
    tokens.issue("desk-zhang", "agent")

    files = beside(settings.sqlite_path)
    assert all(file.exists() for file in files), [f.name for f in files if not f.exists()]
    assert {file.name: mode(file) for file in files} == {file.name: 0o600 for file in files}
    tokens.close()
    service.close()


def test_an_existing_database_readable_by_others_is_tightened_when_opened(tmp_path: Path) -> None:
    database = tmp_path / "propdesk.db"
    with sqlite3.connect(database) as db:  # as an earlier propdesk left it: 0644, in WAL mode
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE earlier (x)")
    held_open = sqlite3.connect(database)  # keeps its -wal and -shm in place
    held_open.execute("SELECT * FROM earlier").fetchall()
    read_models_path(database).touch(mode=0o644)
    assert mode(database) == 0o644

    settings = Settings.load({}, db=str(database))
    open_service(settings).close()
    open_follower(settings, settings.policy).store.datastore.close()  # type: ignore[attr-defined]

    existing = [database, database.with_name("propdesk.db-wal"), read_models_path(database)]
    assert {file.name: mode(file) for file in existing} == {f.name: 0o600 for f in existing}
    held_open.close()
