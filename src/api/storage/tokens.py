"""API bearer tokens in the same database as the events; only a hash of each is stored.

A token is `pd_` and 43 URL-safe characters (256 random bits). Its SHA-256 is
stored: with that much entropy a plain hash cannot be reversed, and a lookup
by hash needs no per-token salt. Revoking forgets the hash; the name may then
get a new token (rotation), so the name stays the actor of its events.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from api.config.settings import Settings
from api.storage.own_tables import SideDatabase, open_own_store
from workflow import labels
from workflow.errors import InvalidInput
from workflow.roles import Role as Role  # the domain's; importers of api.storage.tokens keep it

PREFIX = "pd_"

_CREATE = (
    "CREATE TABLE IF NOT EXISTS propdesk_tokens ("
    " name TEXT PRIMARY KEY, role TEXT NOT NULL, digest TEXT UNIQUE,"
    " created_at TEXT NOT NULL, revoked_at TEXT)"
)
_ISSUE = (
    "INSERT INTO propdesk_tokens (name, role, digest, created_at, revoked_at)"
    " VALUES (?, ?, ?, ?, NULL) ON CONFLICT (name) DO UPDATE SET role = excluded.role,"
    " digest = excluded.digest, created_at = excluded.created_at, revoked_at = NULL"
    " WHERE propdesk_tokens.revoked_at IS NOT NULL"
)
_REVOKE = (
    "UPDATE propdesk_tokens SET digest = NULL, revoked_at = ? WHERE name = ? AND revoked_at IS NULL"
)
_VERIFY = "SELECT name, role FROM propdesk_tokens WHERE digest = ? AND revoked_at IS NULL"
_LIST = "SELECT name, role, created_at, revoked_at FROM propdesk_tokens ORDER BY name"


class TokenError(ValueError):
    """A token cannot be issued or revoked; the message says why."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name (the actor of its commands) and its role."""

    name: str
    role: Role


@dataclass(frozen=True)
class TokenRecord:
    name: str
    role: Role
    created_at: str
    revoked_at: str | None


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_name(name: str) -> str:
    """The name NFC-normalised, as the domain records a staff name: it is the actor of the
    token's commands."""
    try:
        return labels.name("token name", name)
    except InvalidInput as error:
        raise TokenError(str(error)) from None


class TokenStore:
    def __init__(self, db: SideDatabase) -> None:
        self._db = db
        db.run(_CREATE)

    @property
    def remote(self) -> bool:
        """True when verifying a token is a network round trip (PostgreSQL)."""
        return self._db.remote

    def _run(self, sql: str, params: Sequence[Any]) -> tuple[int, list[tuple[Any, ...]]]:
        return self._db.run(sql, params)

    def issue(self, name: str, role: Role | str) -> str:
        """A new token for `name`; refused while the name has one that is not revoked."""
        chosen = Role(role)
        token = PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC).isoformat()
        name = check_name(name)
        changed, _ = self._run(_ISSUE, (name, chosen.value, digest_of(token), now))
        if changed == 0:
            raise TokenError(f"a token named {name!r} exists; revoke it first to replace it")
        return token

    def revoke(self, name: str) -> bool:
        """False when no token of that name is in use (or can be)."""
        try:
            name = check_name(name)
        except TokenError:
            return False
        changed, _ = self._run(_REVOKE, (datetime.now(UTC).isoformat(), name))
        return changed > 0

    def verify(self, token: str) -> Principal | None:
        if not token.startswith(PREFIX) or len(token) > 200:
            return None
        _, rows = self._run(_VERIFY, (digest_of(token),))
        return Principal(rows[0][0], Role(rows[0][1])) if rows else None

    def records(self) -> list[TokenRecord]:
        _, rows = self._run(_LIST, ())
        return [TokenRecord(r[0], Role(r[1]), r[2], r[3]) for r in rows]

    def close(self) -> None:
        """Release connections."""
        self._db.close()


def open_tokens(settings: Settings) -> TokenStore:
    return open_own_store(settings, TokenStore)
