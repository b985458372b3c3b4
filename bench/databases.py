"""The benchmarks' SQLite databases: scratch copies of cached histories, checkpoints,
event counts, and closing a follower's read-model store."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from paths import SCRATCH
from terminal import console


def read_models_file(db: Path) -> Path:
    return db.with_name(db.stem + ".readmodels" + db.suffix)


def remove_database(db: Path) -> None:
    """The events file, its read models, audit tree and notices, and SQLite's and a
    rebuild's leftovers."""
    beside = [db.with_name(db.stem + side + db.suffix) for side in (".audit", ".notices")]
    for base in (db, read_models_file(db), *beside):
        for suffix in ("", "-wal", "-shm", ".rebuild", ".rebuild-wal", ".rebuild-shm"):
            Path(str(base) + suffix).unlink(missing_ok=True)


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (also of a file in WAL mode)."""
    Path(str(target) + "-wal").unlink(missing_ok=True)
    Path(str(target) + "-shm").unlink(missing_ok=True)
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst, pages=65536)
    src.close()
    dst.close()


def scratch_copy(db: Path, name: str, *, read_models: bool = True) -> Path:
    """Copy a cached database (and its read models) to a scratch file a benchmark may change."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    target = SCRATCH / f"{name}.db"
    remove_database(target)
    with console.status(f"copying {db.name} to scratch"):
        copy_sqlite(db, target)
        if read_models and read_models_file(db).exists():
            copy_sqlite(read_models_file(db), read_models_file(target))
    return target


def fast_directory() -> Path | None:
    """A RAM-backed directory to write long histories in: SQLite's fsync per commit makes
    writing them on disk several times slower. They are copied to bench/data afterwards."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm
    return None


def checkpoint(db: Path) -> None:
    """Fold the WAL into the database file, so the file alone is the whole database."""
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def count_events(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        (count,) = connection.execute("SELECT count(*) FROM stored_events").fetchone()
    connection.close()
    return int(count)


def close_follower(follower: Any) -> None:
    """Close a follower's read-model store and application (as the server's runtime does)."""
    datastore = getattr(follower.store, "datastore", None)
    if datastore is not None:
        datastore.close()
    follower.app.close()
