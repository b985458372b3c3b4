"""One validated settings object, built at start-up from the environment and flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from api.late_entry_settings import LateEntries, LateEntrySettingError
from api.redaction import redact_url
from projections.policy import Policy, PolicyError, load_policy

DEFAULT_DB = "./propdesk.db"
DEFAULT_TIMEZONE = "Asia/Shanghai"
_DEFAULT_ZONE = ZoneInfo(DEFAULT_TIMEZONE)


class SettingsError(ValueError):
    """A setting has a value that cannot work; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    db: str  # a file path (SQLite) or a postgresql:// URL
    policy: Policy  # the SLA policy the live read models are built with
    # How far back each kind of staff may date an action (PROPDESK_LATE_*, docs/sla.md).
    late_entries: LateEntries = field(default_factory=LateEntries)
    # The deployment's time zone: the command line shows times in it and reads an
    # --as-of without an offset in it.
    timezone: ZoneInfo = _DEFAULT_ZONE

    def __repr__(self) -> str:
        return (
            f"Settings(db={self.shown_db!r}, policy={self.policy.name!r}, "
            f"timezone={self.timezone.key!r})"
        )

    @property
    def shown_db(self) -> str:
        """The database setting as messages may show it: without a password."""
        return redact_url(self.db)

    @classmethod
    def load(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        db: str | None = None,
        policy: str | None = None,
    ) -> Settings:
        """Flags win over PROPDESK_DB / PROPDESK_POLICY, which win over the defaults."""
        source = os.environ if environ is None else environ
        chosen = db or source.get("PROPDESK_DB") or DEFAULT_DB
        policy_file = policy or source.get("PROPDESK_POLICY") or None
        try:
            live_policy = load_policy(policy_file)
        except PolicyError as error:
            raise SettingsError(str(error)) from None
        zone = time_zone(source.get("PROPDESK_TIMEZONE") or DEFAULT_TIMEZONE)
        try:
            late_entries = LateEntries.load(source)
        except LateEntrySettingError as error:
            raise SettingsError(str(error)) from None
        settings = cls(
            db=chosen.strip(), policy=live_policy, timezone=zone, late_entries=late_entries
        )
        settings.eventsourcing_env()  # validate now, not at first use
        return settings

    @property
    def is_postgres(self) -> bool:
        return self.db.startswith(("postgresql://", "postgres://"))

    @property
    def sqlite_path(self) -> Path:
        if self.is_postgres:
            raise SettingsError("the database is PostgreSQL, not an SQLite file")
        return Path(self.db)

    def eventsourcing_env(self) -> dict[str, str]:
        """The event store's configuration, in eventsourcing's own keys."""
        if not self.db:
            raise SettingsError(
                "PROPDESK_DB / --db is empty; give a file path or a postgresql:// URL"
            )
        if self.is_postgres:
            return _postgres_env(self.db)
        if "://" in self.db:
            raise SettingsError(
                f"unsupported database {self.shown_db!r}; use a file path (SQLite) "
                "or a postgresql://user:password@host:port/dbname URL"
            )
        parent = Path(self.db).expanduser().resolve().parent
        if not parent.is_dir():
            raise SettingsError(f"cannot create {self.db!r}: directory {parent} does not exist")
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(Path(self.db).expanduser()),
            "SQLITE_LOCK_TIMEOUT": "10",
        }


def time_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"PROPDESK_TIMEZONE={name!r} is not an IANA time zone name; "
            "use one such as Asia/Shanghai, Asia/Hong_Kong or UTC"
        ) from None


def _postgres_env(url: str) -> dict[str, str]:
    shown = redact_url(url)
    expected = "expected postgresql://user:password@host:port/dbname"
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError as error:  # e.g. an unclosed [ around an IPv6 address
        raise SettingsError(f"malformed PostgreSQL URL {shown!r} ({error}); {expected}") from None
    dbname = parts.path.lstrip("/")
    if not hostname or not dbname:
        raise SettingsError(f"incomplete PostgreSQL URL {shown!r}; {expected}")
    try:
        port = parts.port or 5432
    except ValueError:
        raise SettingsError(f"the port in {shown!r} is not a number from 1 to 65535") from None
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(dbname),
        "POSTGRES_HOST": hostname,
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(parts.username or ""),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        # eventsourcing's pool waits this long for a connection (it is the pool's timeout,
        # not libpq's) and retries a failed call ten times, 0.2 s apart: with PostgreSQL
        # away, a call to the event store gives up after about 12 s (503; docs/http.md).
        # The side tables' pool uses it as libpq's connect_timeout (which is at least 2 s).
        "POSTGRES_CONNECT_TIMEOUT": "1",
        "POSTGRES_LOCK_TIMEOUT": "5",
        # Check a pooled connection before handing it out: after PostgreSQL restarts, the
        # pool's old connections are dead and would each fail one request.
        "POSTGRES_PRE_PING": "y",
    }


def read_models_path(events_file: Path) -> Path:
    """SQLite read models live in their own file beside the event store's."""
    return events_file.with_name(events_file.stem + ".readmodels" + events_file.suffix)


def read_models_env(settings: Settings) -> dict[str, str]:
    """Read models live in the same kind of database: a file beside SQLite's, or PostgreSQL."""
    env = settings.eventsourcing_env()
    if not settings.is_postgres:
        env["SQLITE_DBNAME"] = str(read_models_path(settings.sqlite_path))
    return env
