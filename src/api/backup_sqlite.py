"""SQLite backups: online copies through SQLite's backup API, restored the same way."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from api.backup_format import (
    EVENTS,
    READ_MODELS,
    BackupError,
    Contents,
    Manifest,
    Refused,
    Step,
    survey,
)
from api.settings import read_models_path


def copy_sqlite(events: Path, scratch: Path, step: Step) -> tuple[Contents, int | None]:
    if not events.is_file():
        raise BackupError(f"no database at {events}")
    # The read models first: copied earlier, they can only be behind the events, and a
    # restore catches them up. Copied later, they might count events the copy lacks.
    position: int | None = None
    if read_models_path(events).is_file():
        step("copying the read models")
        _online_copy(read_models_path(events), scratch / READ_MODELS)
        position = sqlite_survey(scratch / READ_MODELS)[1]
    step("copying the events")
    _online_copy(events, scratch / EVENTS)
    contents = sqlite_survey(scratch / EVENTS)[0]
    if position is not None and position > contents.head:  # cannot happen; never restore it
        (scratch / READ_MODELS).unlink()
        position = None
    return contents, position


def _online_copy(source: Path, target: Path) -> None:
    """SQLite's backup API in one step is one read transaction: the copy is the database
    at one instant, while writers carry on (WAL). A copy in several steps would restart
    whenever another connection writes, and might never finish on a busy server."""
    with closing(_connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
        if (check := copy.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
            raise BackupError(f"the copy of {source} fails SQLite's check: {check}")


def restore_sqlite(
    events: Path, source: Path, manifest: Manifest, *, force: bool, step: Step
) -> None:
    if events.is_file() and _sqlite_holds_data(events) and not force:
        raise Refused(f"{events} holds data; pass --force to replace it with the backup")
    # The backup API writes the target in one transaction: an interrupted restore leaves
    # it as it was, and a replaced file is never half old, half new.
    step("restoring the events")
    _write_into(source / EVENTS, events)
    if manifest.read_models_position is not None:
        step("restoring the read models")
        _write_into(source / READ_MODELS, read_models_path(events))


def _write_into(backup_file: Path, target: Path) -> None:
    if not target.is_file():  # a journal left without its database would be misread
        for leftover in ("-wal", "-shm"):
            target.with_name(target.name + leftover).unlink(missing_ok=True)
    source = sqlite3.connect(backup_file.resolve().as_uri() + "?mode=ro", uri=True)
    with closing(source), closing(sqlite3.connect(target, timeout=10)) as db:
        source.backup(db)
        db.execute("PRAGMA journal_mode=WAL")  # as propdesk runs it


def _connect(path: Path) -> sqlite3.Connection:
    # mode=rw: a mistyped path is an error, not a new empty database.
    return sqlite3.connect(path.resolve().as_uri() + "?mode=rw", uri=True, timeout=10)


def _sqlite_holds_data(path: Path) -> bool:
    with closing(_connect(path)) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return any(db.execute(f'SELECT 1 FROM "{n}" LIMIT 1').fetchone() for n in names)


def sqlite_survey(path: Path) -> tuple[Contents, int | None]:
    with closing(_connect(path)) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return survey(lambda sql: db.execute(sql).fetchone()[0], tables, sqlite=True)
