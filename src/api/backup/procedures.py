"""Consistent backups of a propdesk database taken while it runs, and restores elsewhere.

A backup is a directory: the data (`events.db` and `readmodels.db` for SQLite,
`propdesk.dump` in pg_dump's custom format for PostgreSQL) and `manifest.json`
(api/backup/manifest.py). docs/operations.md describes the format and the guarantees.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from api.backup import postgres
from api.backup.manifest import (
    DUMP,
    FORMAT,
    MANIFEST,
    NAMES,
    Backend,
    BackupError,
    Manifest,
    Refused,
    Step,
    sha256,
)
from api.backup.sqlite import copy_sqlite, restore_sqlite
from api.config.settings import Settings

__all__ = ["BackupError", "Manifest", "Refused", "backend_of", "restore", "take_backup"]


def backend_of(settings: Settings) -> Backend:
    return "postgresql" if settings.is_postgres else "sqlite"


def take_backup(settings: Settings, target: Path, step: Step) -> Manifest:
    """Writes into a scratch directory renamed to `target` at the end, so a directory
    with that name always holds a whole backup."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise Refused(f"{target} exists and is not an empty directory; choose a new path")
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        if settings.is_postgres:
            contents, position = postgres.dump(settings, scratch / DUMP, step)
            source = settings.shown_db
        else:
            contents, position = copy_sqlite(settings.sqlite_path, scratch, step)
            source = str(settings.sqlite_path.resolve())
        step("computing checksums")
        files = {p.name: sha256(p) for p in sorted(scratch.iterdir())}
        manifest = Manifest(
            backend_of(settings), datetime.now(UTC).isoformat(), source, contents, position, files
        )
        (scratch / MANIFEST).write_text(
            json.dumps({"format": FORMAT, **asdict(manifest)}, indent=2) + "\n"
        )
        scratch.replace(target)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return manifest


def restore(settings: Settings, source: Path, *, force: bool, step: Step) -> Manifest:
    """Everything is checked before the target changes: the manifest, the files it lists
    (exactly those the backend needs) and what they hold; see each backend's restore."""
    manifest = Manifest.load(source)
    if manifest.backend != backend_of(settings):
        raise BackupError(
            f"{source} is a backup of {NAMES[manifest.backend]}; restore it into "
            + ("a postgresql:// URL" if manifest.backend == "postgresql" else "an SQLite file")
        )
    for name in manifest.expected_files():
        if not (source / name).is_file():
            raise BackupError(f"damaged backup: {source / name} is missing")
    if settings.is_postgres:
        postgres.restore_dump(settings, source / DUMP, manifest, force=force, step=step)
    else:
        restore_sqlite(settings.sqlite_path, source, manifest, force=force, step=step)
    return manifest
