"""The audit log's settings: where its signing key lives, the log's name, and how often a
checkpoint is signed (docs/audit.md)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from api.config.environment import SettingsError

DEFAULT_CHECKPOINT_SECONDS = 60.0
# A signed note's key name: printable, no spaces and no plus sign.
_ORIGIN = re.compile(r"[!-*,-~]{1,120}")


@dataclass(frozen=True)
class AuditSettings:
    key_path: Path | None = None  # None: beside the SQLite file, or in the user's config
    origin: str | None = None  # None: named after the key
    checkpoint_seconds: float = DEFAULT_CHECKPOINT_SECONDS


def audit_origin(value: str) -> str | None:
    chosen = value.strip()
    if not chosen:
        return None
    if not _ORIGIN.fullmatch(chosen):
        raise SettingsError(
            f"PROPDESK_AUDIT_ORIGIN={chosen!r} cannot name a log: use up to 120 printable "
            "characters without spaces or '+', such as wuye.example.com/propdesk"
        )
    return chosen


def checkpoint_seconds(value: str | float) -> float:
    try:
        seconds = float(value) if value != "" else DEFAULT_CHECKPOINT_SECONDS
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:
        raise SettingsError(
            f"PROPDESK_AUDIT_CHECKPOINT_SECONDS={value!r} is not a number of seconds from 0 "
            "to 86400 (a day); 0 signs a checkpoint after every round that adds events"
        )
    return seconds


def default_key_path(db: str, sqlite_path: Path | None) -> Path:
    """Beside an SQLite file; for PostgreSQL in the user's configuration directory
    ($XDG_CONFIG_HOME, else ~/.config), one
    per database (a deployment on several machines sets PROPDESK_AUDIT_KEY to one file)."""
    if sqlite_path is not None:
        return sqlite_path.with_name(sqlite_path.stem + ".audit-key.pem")
    name = re.sub(r"[^A-Za-z0-9._-]", "_", db.rsplit("@", 1)[-1])
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "propdesk" / f"audit-key-{name}.pem"
