"""Files that hold personal data (reporters' names and phone numbers, token hashes) are
readable by their owner only: mode 0600, whatever the umask allows.

SQLite creates a database with mode 0644 less the umask, and gives the database's `-wal`,
`-shm` and `-journal` files the database file's mode. So a database file created 0600
before SQLite opens it keeps its journals private too. A file an earlier propdesk created
0644 is tightened when it is opened, journals included (they may exist already), with a
warning that says so; one owned by another user is left as it is, with a warning.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from contextlib import suppress
from pathlib import Path

PRIVATE = 0o600
JOURNALS = ("-wal", "-shm", "-journal")

log = logging.getLogger("propdesk.files")


def private_database(path: Path) -> None:
    """Create the SQLite file `path` owner-only if it is missing (an empty file is an empty
    database to SQLite), and tighten it and its journal files if others may read them.

    An existing file is never opened here: closing a descriptor of a file drops every POSIX
    lock this process holds on it, SQLite's included. A server whose connections had lost
    their shared locks looked unused to the next process that closed the database (a
    `propdesk token new`), which then deleted the WAL and shared-memory files under it."""
    try:
        if stat.S_ISDIR(os.stat(path).st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    except FileNotFoundError:
        with suppress(FileExistsError):  # created meanwhile, by SQLite or another process
            os.close(os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE))
    for file in (path, *(path.with_name(path.name + suffix) for suffix in JOURNALS)):
        tighten(file)


def private_file(path: Path, flags: int = os.O_RDWR) -> int:
    """Open `path`, creating it owner-only if it is missing; the caller closes the descriptor."""
    return os.open(path, flags | os.O_CREAT | os.O_CLOEXEC, PRIVATE)


def tighten(path: Path) -> None:
    try:
        found = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return
    if found & 0o077 == 0:
        return
    try:
        os.chmod(path, found & 0o700)
    except PermissionError:
        log.warning("%s is readable by other users (mode %o) and not ours to change", path, found)
        return
    log.warning("%s was readable by other users (mode %o); made it owner-only", path, found)
