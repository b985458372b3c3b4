"""The backup format: a directory with the data and `manifest.json`, which says what was
copied, how many events and personal-data records, and each file's SHA-256, so that a
restore can prove it put back what was taken. docs/operations.md describes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass

from api.config.settings import SettingsError

FORMAT: Final = "propdesk-backup"
VERSION: Final = 1
Backend = Literal["sqlite", "postgresql"]
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


# A manifest is read strictly: JSON numbers that fit a BIGINT, no key it does not define.
STRICT = ConfigDict(strict=True, extra="forbid")
Count = Annotated[int, Field(ge=0, le=2**63 - 1)]
Text = Annotated[str, Field(max_length=1000)]
Digest = Annotated[str, Field(pattern="^[0-9a-f]{64}$")]
MAX_MANIFEST = 64 * 1024  # bytes; a real one is well under a kilobyte


@dataclass(frozen=True, config=STRICT)
class Contents:
    """What the event database holds, counted in the copy: the restore must find the same."""

    events: Count
    head: Count  # the last notification id: the log position the backup reaches
    reporters: Count
    tokens: Count


@dataclass(frozen=True, config=STRICT)
class Manifest:
    backend: Backend  # a backup restores into the same kind
    created_at: Text
    source: Text  # never with a password
    contents: Contents
    read_models_position: Count | None  # None: none in the backup; a restore rebuilds them
    files: dict[Text, Digest]  # file name -> SHA-256: exactly `expected_files()`
    format: Literal["propdesk-backup"] = FORMAT
    version: Literal[1] = VERSION

    def __post_init__(self) -> None:
        for name in self.files:
            if name in ("", ".", "..") or Path(name).name != name or "\\" in name:
                raise ValueError(f"{name!r} is not a plain file name")
        if set(self.files) != set(self.expected_files()):
            raise ValueError(
                f"a backup of {NAMES[self.backend]} lists exactly "
                f"{', '.join(self.expected_files())}; this one lists {sorted(self.files)}"
            )

    def expected_files(self) -> tuple[str, ...]:
        if self.backend == "postgresql":
            return (DUMP,)
        return (EVENTS,) if self.read_models_position is None else (EVENTS, READ_MODELS)

    @classmethod
    def load(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        if not path.is_file():
            raise BackupError(f"{directory} is not a propdesk backup: no {MANIFEST}")
        if path.stat().st_size > MAX_MANIFEST:
            raise BackupError(f"damaged backup: {path} is larger than a manifest can be")
        raw = path.read_bytes()
        try:
            header = _HEADER.validate_json(raw)
        except ValidationError as error:
            raise BackupError(f"damaged backup: {path}: {_reason(error)}") from None
        if header.format != FORMAT:
            raise BackupError(
                f"damaged backup: {path} is not a propdesk backup manifest "
                f"(format {header.format!r:.40}, expected {FORMAT!r})"
            )
        if header.version != VERSION:
            raise BackupError(
                f"{path} is version {header.version!r:.20} of {FORMAT!r}; this propdesk "
                f"reads version {VERSION}"
            )
        try:
            return _MANIFEST.validate_json(raw)
        except ValidationError as error:
            raise BackupError(f"damaged backup: {path}: {_reason(error)}") from None


@dataclass(frozen=True, config=ConfigDict(extra="ignore"))
class _Header:
    """What a manifest says it is, read before the rest."""

    format: Any = None
    version: Any = None


_HEADER = TypeAdapter(_Header)
_MANIFEST = TypeAdapter(Manifest)


def _reason(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where + ': ' if where else ''}{first['msg'].removeprefix('Value error, ')}{more}"


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
