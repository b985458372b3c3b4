"""Turns at writing one SQLite file, shared by every process and thread that writes it.

SQLite lets one writer in at a time. A writer that finds the file locked sleeps and
polls (1, 2, 5, 10 ... ms), so under load a second server process loses most races
and its requests wait hundreds of milliseconds. A lock file taken with `flock` queues
the writers instead: the kernel wakes the next one the moment the lock is free.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from api.storage.private_files import private_file


class SqliteWriteLock:
    """A context manager factory: `with turns():` is this thread's turn at writing."""

    def __init__(self, database: Path) -> None:
        self._path = database.with_name(database.name + ".write-lock")
        self._held = threading.local()  # a thread inside its turn may enter it again

    def __call__(self) -> AbstractContextManager[None]:
        return self._turn()

    @contextmanager
    def _turn(self) -> Iterator[None]:
        depth: int = getattr(self._held, "depth", 0)
        if depth:
            self._held.depth = depth + 1
            try:
                yield
            finally:
                self._held.depth = depth
            return
        # Opened for each turn: a lock taken through another open file excludes this one,
        # whether it is held by another process or by another thread of this one.
        fd = private_file(self._path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._held.depth = 1
            yield
        finally:
            self._held.depth = 0
            os.close(fd)  # releases the lock
