"""Which processes have an SQLite database open: a shared `flock` on `X.db.open-lock`.

Every process that opens a store of the database (events, read models, tokens) or copies
it (backup) holds a shared lock on the lock file beside it for as long as it keeps the
store. What replaces the files wholesale (the demo, restore) first takes the lock
exclusively, without waiting: if that fails, another process has the database open, and
deleting or renaming the files under it would leave it writing into a deleted file.

One lock per database covers its read-model file too. Each process opens the lock file
once and counts its own users, so its stores never exclude one another, and `alone`
converts this process's own lock: only other processes are in the way.
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from api.config.settings import (
    Settings,
    SettingsError,
    audit_env,
    notices_env,
    read_models_path,
)
from api.storage.private_files import private_database, private_file

Keep = Callable[[object], None]


class StoreInUse(SettingsError):
    """Another process has the database open."""

    def __init__(self, database: Path) -> None:
        super().__init__(f"{database} is open in another process")
        self.database = database


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".open-lock")


@dataclass
class _Lock:
    fd: int
    users: int = 0


_guard = threading.Lock()
_locks: dict[str, _Lock] = {}


def _claim(database: Path) -> str:
    key = str(lock_path(database).resolve())
    with _guard:
        held = _locks.get(key)
        if held is None:
            fd = private_file(Path(key))
            try:
                fcntl.flock(fd, fcntl.LOCK_SH)  # waits out a demo or restore replacing it
            except BaseException:
                os.close(fd)
                raise
            held = _locks[key] = _Lock(fd)
        held.users += 1
    return key


def _release(key: str) -> None:
    with _guard:
        held = _locks[key]
        held.users -= 1
        if held.users == 0:
            del _locks[key]
            os.close(held.fd)  # releases the lock


def _tie(store: object, database: Path) -> None:
    weakref.finalize(store, _release, _claim(database))


def _nothing(_store: object) -> None:
    return None


@contextmanager
def opening(
    settings: Settings, *, read_models: bool = False, audit: bool = False, notices: bool = False
) -> Iterator[Keep]:
    """Around opening a store: the file it opens is created owner-only first, and the
    database's lock is held; `keep(store)` goes on holding it while `store` lives."""
    if settings.is_postgres:
        yield _nothing
        return
    events = settings.sqlite_path
    key = _claim(events)
    try:
        if audit:
            private_database(Path(audit_env(settings)["SQLITE_DBNAME"]))
        elif notices:
            private_database(Path(notices_env(settings)["SQLITE_DBNAME"]))
        else:
            private_database(read_models_path(events) if read_models else events)
        yield lambda store: _tie(store, events)
    finally:
        _release(key)


@contextmanager
def held(database: Path) -> Iterator[None]:
    """The database is open in this process while the block runs (e.g. a backup copies it)."""
    key = _claim(database)
    try:
        yield
    finally:
        _release(key)


@contextmanager
def alone(database: Path) -> Iterator[None]:
    """No other process has the database open while the block runs; raises StoreInUse at
    once if one has. Processes that open it meanwhile wait until the block ends."""
    key = _claim(database)
    try:
        fd = _locks[key].fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fcntl.flock(fd, fcntl.LOCK_SH)  # a failed conversion has dropped the shared lock
            raise StoreInUse(database) from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_SH)
    finally:
        _release(key)
