"""API bearer tokens in the same database as the events; only a hash of each is stored.

A token is `pd_` and 43 URL-safe characters (256 random bits). Its SHA-256 is
stored: with that much entropy a plain hash cannot be reversed, and a lookup
by hash needs no per-token salt. Revoking forgets the hash; the name may then
get a new token (rotation), so the name stays the actor of its events.

A token's scope is the communities whose cases it may see and act on, kept with it as a
JSON list; NULL is every community, the scope of tokens issued before scopes existed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from api.config.settings import Settings
from api.storage.own_tables import SideDatabase, open_own_store
from workflow import labels
from workflow.communities import known_communities
from workflow.errors import InvalidInput
from workflow.roles import Role as Role  # the domain's; importers of api.storage.tokens keep it

PREFIX = "pd_"

_CREATE = (
    "CREATE TABLE IF NOT EXISTS propdesk_tokens ("
    " name TEXT PRIMARY KEY, role TEXT NOT NULL, digest TEXT UNIQUE,"
    " created_at TEXT NOT NULL, revoked_at TEXT, communities TEXT)"
)
_HAS_SCOPES = "SELECT 1 FROM pragma_table_info('propdesk_tokens') WHERE name = 'communities'"
_ADD_SCOPES = "ALTER TABLE propdesk_tokens ADD COLUMN communities TEXT"
_ISSUE = (
    "INSERT INTO propdesk_tokens (name, role, digest, created_at, revoked_at, communities)"
    " VALUES (?, ?, ?, ?, NULL, ?) ON CONFLICT (name) DO UPDATE SET role = excluded.role,"
    " digest = excluded.digest, created_at = excluded.created_at, revoked_at = NULL,"
    " communities = excluded.communities WHERE propdesk_tokens.revoked_at IS NOT NULL"
)
_REVOKE = (
    "UPDATE propdesk_tokens SET digest = NULL, revoked_at = ? WHERE name = ? AND revoked_at IS NULL"
)
_VERIFY = (
    "SELECT name, role, communities FROM propdesk_tokens WHERE digest = ? AND revoked_at IS NULL"
)
_LIST = "SELECT name, role, created_at, revoked_at, communities FROM propdesk_tokens ORDER BY name"
_ROLE = "SELECT role FROM propdesk_tokens WHERE name = ? AND revoked_at IS NULL"


class TokenError(ValueError):
    """A token cannot be issued or revoked; the message says why."""


Scope = frozenset[str] | None  # the communities a token may see; None: every one


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name (the actor of its commands), its role and scope."""

    name: str
    role: Role
    communities: Scope = None

    def sees(self, community: str) -> bool:
        return self.communities is None or community in self.communities


@dataclass(frozen=True)
class TokenRecord:
    name: str
    role: Role
    created_at: str
    revoked_at: str | None
    communities: tuple[str, ...] | None = None  # sorted; None: every community


class ScopeError(ValueError):
    """A token's scope is not well said; the message says what to say instead."""


def scope_to_issue(
    communities: Sequence[str] | None, all_communities: bool, registered: Collection[str]
) -> frozenset[str] | None:
    """The scope a new token gets: the communities named (registered ones), or every one.
    A deployment with one community may leave it unsaid; with more, it must be said, so
    that no token sees every community by an oversight."""
    if communities and all_communities:
        raise ScopeError("name the token's communities or give it all of them, not both")
    if all_communities:
        return None
    if communities:
        try:
            return frozenset(known_communities(communities, registered))
        except InvalidInput as error:
            raise ScopeError(str(error)) from None
    if len(registered) > 1:
        raise ScopeError(
            f"this deployment has {len(registered)} communities: name the token's "
            "(--community CODE, repeatable; `communities` over HTTP) or give it all of "
            "them (--all-communities; `all_communities`)"
        )
    return None


def _stored_scope(communities: Collection[str] | None) -> str | None:
    return None if communities is None else json.dumps(sorted(communities))


def _scope_of(stored: str | None) -> tuple[str, ...] | None:
    return None if stored is None else tuple(json.loads(stored))


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
        if db.remote:
            db.run(_ADD_SCOPES.replace("COLUMN", "COLUMN IF NOT EXISTS"))
        elif not db.run(_HAS_SCOPES)[1]:
            try:
                db.run(_ADD_SCOPES)
            except sqlite3.OperationalError as error:
                # Another process opening the same file added it between the two statements.
                if "duplicate column" not in str(error):
                    raise

    @property
    def remote(self) -> bool:
        """True when verifying a token is a network round trip (PostgreSQL)."""
        return self._db.remote

    def _run(self, sql: str, params: Sequence[Any]) -> tuple[int, list[tuple[Any, ...]]]:
        return self._db.run(sql, params)

    def issue(self, name: str, role: Role | str, communities: Collection[str] | None = None) -> str:
        """A new token for `name`, seeing `communities` (None: every one); refused while
        the name has one that is not revoked. The codes are the caller's to check."""
        chosen = Role(role)
        if communities is not None and not communities:
            raise TokenError("a token's scope names at least one community, or all of them")
        token = PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC).isoformat()
        name = check_name(name)
        scope = _stored_scope(communities)
        changed, _ = self._run(_ISSUE, (name, chosen.value, digest_of(token), now, scope))
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
        if not rows:
            return None
        scope = _scope_of(rows[0][2])
        return Principal(rows[0][0], Role(rows[0][1]), None if scope is None else frozenset(scope))

    def role_of(self, name: str) -> Role | None:
        """The role of the token in use under `name` (NFC-normalised as stored); None when
        no token of that name is in use."""
        _, rows = self._run(_ROLE, (name,))
        return Role(rows[0][0]) if rows else None

    def records(self) -> list[TokenRecord]:
        _, rows = self._run(_LIST, ())
        return [TokenRecord(r[0], Role(r[1]), r[2], r[3], _scope_of(r[4])) for r in rows]

    def close(self) -> None:
        """Release connections."""
        self._db.close()


def open_tokens(settings: Settings) -> TokenStore:
    return open_own_store(settings, TokenStore)
