"""SQLite backups: online copies through SQLite's backup API; restored by checking copies of
the backup's files beside the target, then renaming them over it."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from contextlib import closing, suppress
from pathlib import Path

from api.backup.manifest import (
    EVENTS,
    READ_MODELS,
    BackupError,
    Contents,
    Manifest,
    Refused,
    Step,
    survey,
)
from api.config.settings import read_models_path, side_paths
from api.storage.in_use import StoreInUse, alone, held
from api.storage.private_files import JOURNALS


def copy_sqlite(events: Path, scratch: Path, step: Step) -> tuple[Contents, int | None]:
    if not events.is_file():
        raise BackupError(f"no database at {events}")
    with held(events):  # neither the demo nor a restore replaces it meanwhile
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
    """Copies the backup's files next to the target and checks the copies (checksum,
    SQLite's integrity check, a propdesk store holding what the manifest counts); only
    when all pass, and no other process has the target open, are they renamed over it.
    A failure before that leaves the target exactly as it was."""
    ready: dict[Path, Path] = {}  # target -> its checked copy
    try:
        step("checking a copy of the events")
        ready[events] = _checked_copy(source / EVENTS, events, manifest.files[EVENTS])
        _expect(ready[events], manifest, read_models=False)
        models = read_models_path(events)
        if manifest.read_models_position is not None:
            step("checking a copy of the read models")
            ready[models] = _checked_copy(source / READ_MODELS, models, manifest.files[READ_MODELS])
            _expect(ready[models], manifest, read_models=True)
        with alone(events):
            if events.is_file() and _sqlite_holds_data(events) and not force:
                raise Refused(f"{events} holds data; pass --force to replace it with the backup")
            step("putting the restored files in place")
            # The old read models go first: whatever happens next, none are left that
            # describe other events than the ones in place.
            _put(None, models)
            _put(ready.pop(events), events)
            _put(ready.pop(models, None), models)
            _, audit, notices = side_paths(events)
            _put(None, audit)  # a tree of other events: the restored ones are taken in anew
            _restart_notices(notices)
    except StoreInUse:
        raise Refused(
            f"{events} is open in another process; stop the server and `projections run` "
            "on it, then restore again"
        ) from None
    finally:
        for copy in ready.values():
            _remove(copy)


def _restart_notices(notices: Path) -> None:
    """The notice follower starts again from the restored read models (its working copies
    and schedule describe other events); the webhooks, the outbox and the deliveries stay."""
    if not notices.is_file():
        return
    with closing(_connect(notices)) as db, db:
        for table in ("nt_cases", "nt_schedule", "nt_meta", "tracking"):
            with suppress(sqlite3.OperationalError):  # a table it never had
                db.execute(f"DELETE FROM {table}")


def _checked_copy(backup_file: Path, target: Path, digest: str) -> Path:
    """A copy of `backup_file` beside `target`, owner-only, hashed as it is written."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.restore-", dir=target.parent)
    copy, hashed = Path(name), hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, backup_file.open("rb") as data:
            while block := data.read(1 << 20):
                hashed.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if hashed.hexdigest() != digest:
            raise BackupError(f"{backup_file} is damaged (checksum differs from the manifest)")
        with closing(_connect(copy)) as db:
            check = db.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"damaged backup: {backup_file} fails SQLite's check: {check}")
            db.execute("PRAGMA journal_mode=WAL")  # as propdesk runs it
    except sqlite3.DatabaseError as error:
        _remove(copy)
        raise BackupError(f"damaged backup: {backup_file} fails SQLite's check: {error}") from None
    except BaseException:
        _remove(copy)
        raise
    return copy


def _expect(copy: Path, manifest: Manifest, *, read_models: bool) -> None:
    with closing(_connect(copy)) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if read_models:
        found = sqlite_survey(copy)[1]
        if "tracking" not in tables or found != manifest.read_models_position:
            raise BackupError(
                f"the backup's read models stand at position {found}, the manifest says "
                f"{manifest.read_models_position}"
            )
        return
    if "stored_events" not in tables:
        raise BackupError("the backup's events file is not a propdesk event store")
    if (counted := sqlite_survey(copy)[0]) != manifest.contents:
        raise BackupError(
            f"the backup's events file holds {counted}, the manifest says {manifest.contents}"
        )


def _put(copy: Path | None, target: Path) -> None:
    """Replace `target` with `copy` (None: remove it) in one rename. The target's WAL is
    folded into it first, so that no journal of the old file outlives it, nor is lost
    should the rename not happen."""
    if target.is_file():
        with closing(_connect(target)) as db:
            busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if busy:
            raise BackupError(f"{target} is being read; stop what reads it, then restore again")
    for suffix in JOURNALS:
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    if copy is None:
        target.unlink(missing_ok=True)
    else:
        os.replace(copy, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)


def _remove(copy: Path) -> None:
    for suffix in ("", *JOURNALS):
        copy.with_name(copy.name + suffix).unlink(missing_ok=True)


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
