"""Staff accounts for the web console, in the same database as the events.

An account has a name (the actor of what its user does, as a token's name is), a role, a
scope (the communities it may see; NULL is every one) and a password, of which only an
Argon2id hash is stored (`api.storage.passwords`). Disabling an account keeps its row
and ends its sessions; the name may then be added again, as a revoked token's may be.

The same store counts failed logins (`api.storage.login_throttle`) and keeps the console's
sessions (`api.storage.sessions`): a new password or disabling an account ends them.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher

from api.config.settings import Settings
from api.storage.login_throttle import LIMIT, WINDOW, LoginFailures
from api.storage.own_tables import SideDatabase, open_own_store
from api.storage.passwords import PasswordRefused, Passwords
from api.storage.sessions import Session as Session
from api.storage.sessions import Sessions, principal_of
from api.storage.tokens import Principal, Role
from workflow import labels
from workflow.errors import InvalidInput

_CREATE = (
    "CREATE TABLE IF NOT EXISTS propdesk_users ("
    " name TEXT PRIMARY KEY, role TEXT NOT NULL, communities TEXT, password TEXT NOT NULL,"
    " created_at TEXT NOT NULL, disabled_at TEXT)"
)
# A disabled account's name may be added again: it gets the new role, scope and password.
_ADD = (
    "INSERT INTO propdesk_users (name, role, communities, password, created_at, disabled_at)"
    " VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT (name) DO UPDATE SET role = excluded.role,"
    " communities = excluded.communities, password = excluded.password,"
    " created_at = excluded.created_at, disabled_at = NULL"
    " WHERE propdesk_users.disabled_at IS NOT NULL"
)
_SET_PASSWORD = "UPDATE propdesk_users SET password = ? WHERE name = ? AND disabled_at IS NULL"
_REHASH = "UPDATE propdesk_users SET password = ? WHERE name = ? AND password = ?"
_DISABLE = "UPDATE propdesk_users SET disabled_at = ? WHERE name = ? AND disabled_at IS NULL"
_ACTIVE = "SELECT role, communities, password FROM propdesk_users WHERE name = ?"
_ACTIVE += " AND disabled_at IS NULL"
_EXISTS = "SELECT disabled_at FROM propdesk_users WHERE name = ?"
_LIST = "SELECT name, role, communities, created_at, disabled_at FROM propdesk_users ORDER BY name"


class UserError(ValueError):
    """An account cannot be added or changed; the message says what is allowed."""


@dataclass(frozen=True)
class UserRecord:
    name: str
    role: Role
    communities: tuple[str, ...] | None  # sorted; None: every community
    created_at: str
    disabled_at: str | None


def check_user_name(name: str) -> str:
    """NFC-normalised by the rule for every staff name (a token's too)."""
    try:
        return labels.name("user name", name)
    except InvalidInput as error:
        raise UserError(str(error)) from None


def _role(role: Role | str) -> Role:
    try:
        chosen = Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role if r is not Role.CHANNEL)
        raise UserError(f"{role!r} is not a role; one of {allowed}") from None
    if chosen is Role.CHANNEL:
        raise UserError("a channel is an intake system and has no console; give it a token")
    return chosen


def _stored_scope(communities: Collection[str] | None) -> str | None:
    return None if communities is None else json.dumps(sorted(communities))


def _scope_of(stored: str | None) -> tuple[str, ...] | None:
    return None if stored is None else tuple(json.loads(stored))


def _known(name: str) -> str | None:
    """The name as stored, or None where no account can have it."""
    try:
        return check_user_name(name)
    except UserError:
        return None


class UserStore:
    def __init__(self, db: SideDatabase, hasher: PasswordHasher | None = None) -> None:
        self._db = db
        self._passwords = Passwords(hasher)
        db.run(_CREATE)
        self._failures = LoginFailures(db)
        self._sessions = Sessions(db)

    @property
    def remote(self) -> bool:
        """True when a lookup is a network round trip (PostgreSQL)."""
        return self._db.remote

    def _run(self, sql: str, params: Sequence[Any] = ()) -> tuple[int, list[tuple[Any, ...]]]:
        return self._db.run(sql, params)

    def add(
        self, name: str, role: Role | str, communities: Collection[str] | None, password: str
    ) -> None:
        """A new account, seeing `communities` (None: every one); the codes are the
        caller's to check. Refused while an account of that name is not disabled."""
        chosen, name = _role(role), check_user_name(name)
        if communities is not None and not communities:
            raise UserError("an account's scope names at least one community, or all of them")
        digest = self._hash(password)
        now = datetime.now(UTC).isoformat()
        params = (name, chosen.value, _stored_scope(communities), digest, now)
        if self._run(_ADD, params)[0] == 0:
            raise UserError(f"an account named {name!r} exists; disable it first to replace it")

    def set_password(self, name: str, password: str) -> None:
        """A new password; it ends the user's sessions."""
        name = check_user_name(name)
        digest = self._hash(password)
        if self._run(_SET_PASSWORD, (digest, name))[0] == 0:
            _, rows = self._run(_EXISTS, (name,))
            raise UserError(
                f"the account {name!r} is disabled; add it again to restore it"
                if rows
                else f"no account named {name!r}"
            )
        self._sessions.end_all(name)

    def disable(self, name: str) -> bool:
        """False when no active account has the name. Its sessions end."""
        known = _known(name)
        if known is None:
            return False
        changed, _ = self._run(_DISABLE, (datetime.now(UTC).isoformat(), known))
        self._sessions.end_all(known)
        return changed > 0

    def records(self) -> list[UserRecord]:
        _, rows = self._run(_LIST)
        return [UserRecord(r[0], Role(r[1]), _scope_of(r[2]), r[3], r[4]) for r in rows]

    def _hash(self, password: str) -> str:
        try:
            return self._passwords.hash(password)
        except PasswordRefused as error:
            raise UserError(str(error)) from None

    def authenticate(self, name: str, password: str) -> Principal | None:
        """The account's Principal when the password is its own; None for a wrong password,
        an unknown name or a disabled account, which take as long to say."""
        known = _known(name)
        rows = self._run(_ACTIVE, (known,))[1] if known is not None else []
        stored = rows[0][2] if rows else None
        matched = self._passwords.matches(stored, password)  # as long without an account
        if known is None or stored is None or not matched:
            return None
        if self._passwords.outdated(stored):
            self._run(_REHASH, (self._passwords.hash(password), known, stored))
        return principal_of(known, rows[0][0], rows[0][1])

    def principal(self, name: str) -> Principal | None:
        known = _known(name)
        if known is None:
            return None
        rows = self._run(_ACTIVE, (known,))[1]
        return principal_of(known, rows[0][0], rows[0][1]) if rows else None

    def record_failure(self, name: str, at: datetime) -> None:
        known = _known(name)
        if known is not None:  # else no account can have it: nothing to protect
            self._failures.record(known, at)

    def blocked_for(
        self, name: str, now: datetime, limit: int = LIMIT, window: timedelta = WINDOW
    ) -> int:
        """Seconds until `name` may try to log in again; 0: now."""
        known = _known(name)
        return 0 if known is None else self._failures.blocked_for(known, now, limit, window)

    def clear_failures(self, name: str) -> None:
        known = _known(name)
        if known is not None:
            self._failures.clear(known)

    def open_session(self, name: str, now: datetime, lang: str | None = None) -> tuple[str, str]:
        """(session id, CSRF token) for an active account."""
        name = check_user_name(name)
        try:
            opened = self._sessions.open(name, now, lang)
        except ValueError as error:
            raise UserError(str(error)) from None
        if opened is None:
            raise UserError(f"no active account named {name!r}")
        return opened

    def session(self, session_id: str, now: datetime, idle: timedelta) -> Session | None:
        return self._sessions.find(session_id, now, idle)

    def end_session(self, session_id: str) -> None:
        self._sessions.end(session_id)

    def set_lang(self, session_id: str, lang: str) -> None:
        try:
            self._sessions.set_lang(session_id, lang)
        except ValueError as error:
            raise UserError(str(error)) from None

    def close(self) -> None:
        """Release connections."""
        self._db.close()


def open_users(settings: Settings) -> UserStore:
    return open_own_store(settings, UserStore)
