"""The communities of a deployment, in a table beside the events, kept with their history.

The table is append-only: registering a community writes its version 1, and each later
change (a new service-level policy from a date) a further version, so that what was in
force at any past instant can be read back. Nothing is updated or deleted.

A fresh database gets the community `default`, which owns every case stored before cases
had communities: a deployment with one community never names it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as dt_time

import psycopg

from api.config.settings import Settings
from api.storage.own_tables import SideDatabase, open_own_store
from projections.calendar import SHANGHAI
from projections.policy import CommunityPolicy, Policy, parse_policy
from workflow import inputs, labels
from workflow.communities import DEFAULT_COMMUNITY, community_code
from workflow.errors import InvalidInput

DEFAULT_NAME = "默认小区"

_CREATE = (
    "CREATE TABLE IF NOT EXISTS propdesk_communities ("
    " code TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
    " policy_name TEXT, policy TEXT, effective_from TEXT,"
    " recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL, PRIMARY KEY (code, version))"
)
# Version 1 only where the code has none: a second registration changes nothing.
_REGISTER = (
    "INSERT INTO propdesk_communities"
    " (code, version, name, policy_name, policy, effective_from, recorded_at, recorded_by)"
    " VALUES (?, 1, ?, ?, ?, NULL, ?, ?) ON CONFLICT (code, version) DO NOTHING"
)
_CODES = "SELECT code FROM propdesk_communities WHERE version = 1"
# A later version: the latest's name, a policy from a day on.
_SET_POLICY = (
    "INSERT INTO propdesk_communities"
    " (code, version, name, policy_name, policy, effective_from, recorded_at, recorded_by)"
    " SELECT code, version + 1, name, ?, ?, ?, ?, ? FROM propdesk_communities"
    " WHERE code = ? AND version = (SELECT MAX(version) FROM propdesk_communities WHERE code = ?)"
)
_POLICIES = (
    "SELECT code, version, policy, effective_from, recorded_at FROM propdesk_communities"
    " WHERE policy IS NOT NULL ORDER BY code, version"
)
_ALL = (
    "SELECT code, version, name, policy_name, effective_from, recorded_at, recorded_by"
    " FROM propdesk_communities ORDER BY code, version"
)
# How long a process trusts its list of codes: a community registered by another process
# (the command line beside a running server) is known here within this time, and at once
# by a request that names it.
_FRESH_SECONDS = 2.0


class CommunityError(ValueError):
    """A community cannot be registered; the message says why."""


class CommunityExists(ValueError):
    """The code is registered already."""


@dataclass(frozen=True)
class Community:
    """A community as it stands: its latest version."""

    code: str
    name: str
    policy_name: str | None  # None: the deployment's own policy
    policy_from: date | None  # when the policy took effect; None: from the start
    registered_at: str
    version: int


class CommunityStore:
    """The directory intake asks (`workflow.communities.CommunityDirectory`), and the
    registry the command line and the API write to."""

    def __init__(self, db: SideDatabase) -> None:
        self._db = db
        db.run(_CREATE)
        now = datetime.now(UTC).isoformat()
        db.run(_REGISTER, (DEFAULT_COMMUNITY, DEFAULT_NAME, None, None, now, "propdesk"))
        self._codes: frozenset[str] = frozenset()
        self._parsed: dict[tuple[str, int], CommunityPolicy] = {}  # versions never change
        self._read_at = -_FRESH_SECONDS

    def codes(self) -> Collection[str]:
        if time.monotonic() - self._read_at >= _FRESH_SECONDS:
            return self.refresh()
        return self._codes

    def refresh(self) -> Collection[str]:
        _, rows = self._db.run(_CODES)
        self._codes = frozenset(str(r[0]) for r in rows)
        self._read_at = time.monotonic()
        return self._codes

    def register(
        self,
        code: str,
        name: str,
        *,
        by: str,
        policy_name: str | None = None,
        policy: str | None = None,
    ) -> Community:
        """A new community; refused when the code is taken or a field is malformed."""
        try:
            code = community_code(code)
            name = inputs.text("name", name, limit=100)
            by = labels.name("by", by)
        except InvalidInput as error:
            raise CommunityError(str(error)) from None
        now = datetime.now(UTC).isoformat()
        changed, _ = self._db.run(_REGISTER, (code, name, policy_name, policy, now, by))
        if changed == 0:
            raise CommunityExists(f"a community {code!r} exists already")
        self.refresh()
        return next(c for c in self.communities() if c.code == code)

    def set_policy(
        self, code: str, policy: Policy, text: str, starting: date, *, by: str, at: datetime
    ) -> Community:
        """The community's cases judged under `policy` from `starting` (Asia/Shanghai) on;
        `text` is its file, kept as given. `at` is when it is recorded (now, but for a
        simulation): no milestone that started before is judged under it."""
        try:
            by = labels.name("by", by)
        except InvalidInput as error:
            raise CommunityError(str(error)) from None
        if code not in self.refresh():
            raise CommunityError(f"unknown community {code!r}; `community list` lists them")
        params = (policy.name, text, starting.isoformat(), at.isoformat(), by, code, code)
        try:
            self._db.run(_SET_POLICY, params)
        except (sqlite3.IntegrityError, psycopg.IntegrityError):
            raise CommunityError(
                f"community {code!r} was changed at the same moment; run the command again"
            ) from None
        return next(c for c in self.communities() if c.code == code)

    def policy_versions(self) -> tuple[CommunityPolicy, ...]:
        """Every community's own policies, each from the instant it takes effect: its day
        (Asia/Shanghai), or when it was recorded if that is later."""
        _, rows = self._db.run(_POLICIES)
        found = []
        for code, version, text, effective_from, recorded_at in rows:
            key = (str(code), int(version))
            if key not in self._parsed:
                recorded = datetime.fromisoformat(recorded_at)
                day = datetime.combine(date.fromisoformat(effective_from), dt_time(), SHANGHAI)
                parsed = parse_policy(text, f"community {code} version {version}")
                starts = max(day, recorded).astimezone(SHANGHAI)
                self._parsed[key] = CommunityPolicy(*key, starts, recorded, parsed)
            found.append(self._parsed[key])
        return tuple(found)

    def communities(self) -> list[Community]:
        """Every community as it stands, by code."""
        _, rows = self._db.run(_ALL)
        latest: dict[str, Community] = {}
        for code, version, name, policy_name, effective_from, recorded_at, _by in rows:
            first = latest.get(code)
            latest[code] = Community(
                code=code,
                name=name,
                policy_name=policy_name,
                policy_from=date.fromisoformat(effective_from) if effective_from else None,
                registered_at=first.registered_at if first else recorded_at,
                version=int(version),
            )
        return list(latest.values())

    def close(self) -> None:
        self._db.close()


def open_communities(settings: Settings) -> CommunityStore:
    return open_own_store(settings, CommunityStore)
