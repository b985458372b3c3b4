"""One validated settings object, built at start-up from the environment and flags.

`Environment` reads and checks the variables (pydantic-settings); `Settings` is what the
application is built from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Annotated
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import NoDecode

from api.config.audit import AuditSettings, audit_origin, checkpoint_seconds, default_key_path
from api.config.environment import EnvironmentSettings, SettingsError, variable, variable_of
from api.config.late_entries import (
    DESK_DEFAULT,
    FIELD_DEFAULT,
    LateEntries,
    check_rule,
    late_duration,
)
from api.config.redaction import redact_url
from projections.policy import Policy, PolicyError, load_policy
from workflow.backdating import Backdating

DEFAULT_DB = "./propdesk.db"
DEFAULT_TIMEZONE = "Asia/Shanghai"
_DEFAULT_ZONE = ZoneInfo(DEFAULT_TIMEZONE)
_STANDINGS = {"field": FIELD_DEFAULT, "desk": DESK_DEFAULT}  # late entries: the defaults

__all__ = ["DEFAULT_DB", "DEFAULT_TIMEZONE", "Environment", "Settings", "SettingsError"]


class Environment(EnvironmentSettings):
    """What every command reads from PROPDESK_* variables. The fields are in the order
    they are checked; a variable that is unset or empty takes its default."""

    # A TOML file; unset: the shipped default. Read as it is named, not as JSON.
    policy: Annotated[Policy, NoDecode] = Field(default_factory=load_policy, repr=False)
    timezone: ZoneInfo = _DEFAULT_ZONE
    late_tolerance_field: timedelta = FIELD_DEFAULT.tolerance
    late_limit_field: timedelta | None = FIELD_DEFAULT.limit
    late_tolerance_desk: timedelta = DESK_DEFAULT.tolerance
    late_limit_desk: timedelta | None = DESK_DEFAULT.limit
    db: str = Field(DEFAULT_DB, repr=False)  # a file path or a postgresql:// URL
    audit_key: str = ""  # the signing key's file (docs/audit.md)
    audit_origin: str = ""
    audit_checkpoint_seconds: float = Field(60.0)

    @field_validator("audit_origin", mode="plain")
    @classmethod
    def _audit_origin(cls, value: str) -> str:
        return audit_origin(value) or ""

    @field_validator("audit_checkpoint_seconds", mode="plain")
    @classmethod
    def _audit_seconds(cls, value: str | float) -> float:
        return checkpoint_seconds(value)

    # PIPL: erase a reporter's record this many days after their case ended; unset: never.
    reporter_retention_days: int | None = Field(None, ge=1, le=36_500)
    # Where people reach the console, e.g. https://wuye.example.com: webhooks link to a
    # case's page under it. Unset: their messages carry no link.
    public_url: str = ""

    @field_validator("public_url", mode="plain")
    @classmethod
    def _public_url(cls, value: str) -> str:
        return public_url(value)

    @field_validator("policy", mode="plain")
    @classmethod
    def _policy(cls, value: str | Policy) -> Policy:
        if not isinstance(value, str):
            return value
        try:
            return load_policy(value or None)
        except PolicyError as error:
            raise SettingsError(str(error)) from None

    @field_validator("timezone", mode="plain")
    @classmethod
    def _timezone(cls, value: str | ZoneInfo) -> ZoneInfo:
        if not isinstance(value, str):
            return value
        return time_zone(value or DEFAULT_TIMEZONE)

    @field_validator("late_tolerance_field", "late_tolerance_desk", mode="plain")
    @classmethod
    def _tolerance(cls, value: str | timedelta, info: ValidationInfo) -> timedelta | None:
        standing = _STANDINGS[(info.field_name or "").rsplit("_", 1)[-1]]
        return late_duration(value, variable_of(info), standing.tolerance)

    @field_validator("late_limit_field", "late_limit_desk", mode="plain")
    @classmethod
    def _limit(cls, value: str | timedelta | None, info: ValidationInfo) -> timedelta | None:
        """The limit, which must not be shorter than the tolerance of the same standing."""
        name = (info.field_name or "").rsplit("_", 1)[-1]
        limit = late_duration(value, variable_of(info), _STANDINGS[name].limit)
        tolerance = info.data.get(f"late_tolerance_{name}")
        if tolerance is not None:  # None: refused already
            check_rule(tolerance, limit, variable(f"late_tolerance_{name}"), variable_of(info))
        return limit

    @field_validator("reporter_retention_days", mode="before")
    @classmethod
    def _retention(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("db", mode="plain")
    @classmethod
    def _db(cls, value: str | None) -> str:
        chosen = (value or DEFAULT_DB).strip()
        eventsourcing_env(chosen)  # refused now, not at first use
        return chosen

    @property
    def late_entries(self) -> LateEntries:
        return LateEntries(
            field_staff=Backdating(
                tolerance=self.late_tolerance_field, limit=self.late_limit_field
            ),
            desk_staff=Backdating(tolerance=self.late_tolerance_desk, limit=self.late_limit_desk),
        )

    def settings(self) -> Settings:
        audit = AuditSettings(
            key_path=Path(self.audit_key).expanduser() if self.audit_key.strip() else None,
            origin=self.audit_origin or None,
            checkpoint_seconds=self.audit_checkpoint_seconds,
        )
        days = self.reporter_retention_days
        return Settings(
            db=self.db,
            policy=self.policy,
            timezone=self.timezone,
            late_entries=self.late_entries,
            audit=audit,
            reporter_retention=timedelta(days=days) if days is not None else None,
            public_url=self.public_url or None,
        )


@dataclass(frozen=True)
class Settings:
    db: str  # a file path (SQLite) or a postgresql:// URL
    policy: Policy  # the SLA policy the live read models are built with
    # How far back each kind of staff may date an action (PROPDESK_LATE_*, docs/sla.md).
    late_entries: LateEntries = field(default_factory=LateEntries)
    # The deployment's time zone: the command line shows times in it and reads an
    # --as-of without an offset in it.
    timezone: ZoneInfo = _DEFAULT_ZONE
    audit: AuditSettings = field(default_factory=AuditSettings)
    # How long after its case ended a reporter's record is kept (PROPDESK_REPORTER_
    # RETENTION_DAYS); None: until erased by hand. The read-model follower erases it then.
    reporter_retention: timedelta | None = None
    # The console's address as people reach it (PROPDESK_PUBLIC_URL), without a trailing /.
    public_url: str | None = None

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
        return Environment.read(environ, db=db, policy=policy).settings()

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
        return eventsourcing_env(self.db)

    @property
    def audit_key_path(self) -> Path:
        if self.audit.key_path is not None:
            return self.audit.key_path
        return default_key_path(self.db, None if self.is_postgres else self.sqlite_path)


def eventsourcing_env(db: str) -> dict[str, str]:
    """The event store's configuration for a database setting; refuses one that cannot work."""
    if not db:
        raise SettingsError("PROPDESK_DB / --db is empty; give a file path or a postgresql:// URL")
    if db.startswith(("postgresql://", "postgres://")):
        return _postgres_env(db)
    if "://" in db:
        raise SettingsError(
            f"unsupported database {redact_url(db)!r}; use a file path (SQLite) "
            "or a postgresql://user:password@host:port/dbname URL"
        )
    parent = Path(db).expanduser().resolve().parent
    if not parent.is_dir():
        raise SettingsError(f"cannot create {db!r}: directory {parent} does not exist")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(Path(db).expanduser()),
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
        # Opening a store waits longer for its first connection (projections/pool_opening.py).
        "POSTGRES_CONNECT_TIMEOUT": "1",
        "POSTGRES_LOCK_TIMEOUT": "5",
        # Check a pooled connection before handing it out: after PostgreSQL restarts, the
        # pool's old connections are dead and would each fail one request.
        "POSTGRES_PRE_PING": "y",
    }


def public_url(value: str) -> str:
    """An http(s) address with a host and nothing after its path; '' when unset."""
    chosen = value.strip().rstrip("/")
    if not chosen:
        return ""
    try:
        parts = urlsplit(chosen)
        parts.port  # noqa: B018  # a malformed port raises here
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            f"PROPDESK_PUBLIC_URL={chosen!r} is not an http(s) address; give the console's "
            "address as people reach it, e.g. https://wuye.example.com"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise SettingsError(
            "PROPDESK_PUBLIC_URL takes a scheme, a host and optionally a port and a path;"
            " no query, fragment or credentials"
        )
    return chosen


def read_models_path(events_file: Path) -> Path:
    """SQLite read models live in their own file beside the event store's."""
    return events_file.with_name(events_file.stem + ".readmodels" + events_file.suffix)


def side_paths(events_file: Path) -> tuple[Path, Path, Path]:
    """The files beside an SQLite event store: read models, audit tree, notices."""
    return (
        read_models_path(events_file),
        events_file.with_name(events_file.stem + ".audit" + events_file.suffix),
        events_file.with_name(events_file.stem + ".notices" + events_file.suffix),
    )


def audit_env(settings: Settings) -> dict[str, str]:
    """The audit tree lives in a file of its own beside SQLite's, or in PostgreSQL."""
    env = settings.eventsourcing_env()
    if not settings.is_postgres:
        env["SQLITE_DBNAME"] = str(side_paths(settings.sqlite_path)[1])
    return env


def notices_env(settings: Settings) -> dict[str, str]:
    """The notices and webhooks live in a file of their own beside SQLite's, or in PostgreSQL."""
    env = settings.eventsourcing_env()
    if not settings.is_postgres:
        env["SQLITE_DBNAME"] = str(side_paths(settings.sqlite_path)[2])
    return env


def read_models_env(settings: Settings) -> dict[str, str]:
    """Read models live in the same kind of database: a file beside SQLite's, or PostgreSQL."""
    env = settings.eventsourcing_env()
    if not settings.is_postgres:
        env["SQLITE_DBNAME"] = str(read_models_path(settings.sqlite_path))
    return env
