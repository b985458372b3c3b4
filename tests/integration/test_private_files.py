"""Files that hold personal data are readable by their owner only: the SQLite event store, its
WAL and shared memory, the read models and the lock files beside them are created with mode
0600, and an existing database that lets others in is tightened when it is opened."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.config.settings import Settings, read_models_path
from api.storage.private_files import private_database
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


def test_checking_an_open_database_keeps_its_write_ahead_log_when_another_process_closes_it(
    tmp_path: Path,
) -> None:
    """Closing any descriptor of a file drops this process's POSIX locks on it, SQLite's
    included: another process closing the database would then take it for unused and
    delete the write-ahead log under this one."""
    path = tmp_path / "propdesk.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (x)")
    db.execute("INSERT INTO t VALUES (1)")
    private_database(path)  # as every store's opening does, while this one is open
    other = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        " c.execute('SELECT COUNT(*) FROM sqlite_master'); c.close()"
    )
    subprocess.run([sys.executable, "-c", other, str(path)], check=True)
    assert (tmp_path / "propdesk.db-wal").exists()
    assert (tmp_path / "propdesk.db-shm").exists()
    db.execute("INSERT INTO t VALUES (2)")
    assert db.execute("SELECT COUNT(*) FROM t").fetchone() == (2,)
