"""The backup format: a directory with the data and `manifest.json`, which says what was
copied, how many events and personal-data records, and each file's SHA-256, so that a
restore can prove it put back what was taken. docs/operations.md describes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.settings import SettingsError

FORMAT, VERSION = "propdesk-backup", 1
MANIFEST = "manifest.json"
EVENTS, READ_MODELS, DUMP = "events.db", "readmodels.db", "propdesk.dump"
NAMES = {"sqlite": "an SQLite database", "postgresql": "a PostgreSQL database"}

Step = Callable[[str], None]  # tells the user which step is running


class BackupError(SettingsError):
    """A backup or restore cannot go on; the message says why. Exit code 2."""

    exit_code = 2


class Refused(BackupError):
    """Going on would overwrite data; --force (restore) or another path (backup) says to."""

    exit_code = 3


@dataclass(frozen=True)
class Contents:
    """What the event database holds, counted in the copy: the restore must find the same."""

    events: int
    head: int  # the last notification id: the log position the backup reaches
    reporters: int
    tokens: int


@dataclass(frozen=True)
class Manifest:
    backend: str  # "sqlite" or "postgresql": a backup restores into the same kind
    created_at: str
    source: str  # never with a password
    contents: Contents
    read_models_position: int | None  # None: none in the backup; a restore rebuilds them
    files: dict[str, str]  # file name -> SHA-256
    format: str = FORMAT
    version: int = VERSION

    @classmethod
    def load(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        if not path.is_file():
            raise BackupError(f"{directory} is not a propdesk backup: no {MANIFEST}")
        try:
            data = json.loads(path.read_text())
            fmt, version = data.get("format"), data.get("version")
            manifest = None
            if (fmt, version) == (FORMAT, VERSION):
                manifest = cls(**{**data, "contents": Contents(**data["contents"])})
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise BackupError(f"{path} is damaged: {error}") from None
        if manifest is None:
            raise BackupError(
                f"{path} is format {fmt!r} version {version!r}; this propdesk reads "
                f"{FORMAT!r} version {VERSION}"
            )
        return manifest


def survey(
    scalar: Callable[[str], Any], tables: set[str], *, sqlite: bool
) -> tuple[Contents, int | None]:
    """The same counts on either backend, and the read models' log position (None without
    them). The table names are eventsourcing's for the application "cases"."""
    events, tracking = (
        ("stored_events", "tracking") if sqlite else ("cases_events", "readmodels_tracking")
    )
    notification_id = "rowid" if sqlite else "notification_id"

    def count(table: str, what: str = "count(*)") -> int:
        return int(scalar(f"SELECT {what} FROM {table}") or 0) if table in tables else 0

    contents = Contents(
        events=count(events),
        head=count(events, f"max({notification_id})"),
        reporters=count("propdesk_reporters"),
        tokens=count("propdesk_tokens"),
    )
    position = count(tracking, "max(notification_id)") if tracking in tables else None
    return contents, position


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
