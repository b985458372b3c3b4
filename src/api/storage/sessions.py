"""Console sessions, kept on the server so that logging out, a new password and disabling
an account end them at once.

A session id is 43 URL-safe characters (256 random bits), given to the browser in a
cookie; only its SHA-256 is stored, as for API tokens. Its CSRF token is stored as it is:
it is worth nothing without the session id. A session ends when its user logs out, gets
a new password or is disabled, or when it is not used for longer than the console's idle
limit; one unused for 30 days is deleted when another is opened.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from api.storage.own_tables import SideDatabase
from api.storage.tokens import Principal, Role, digest_of

_CREATE = (
    "CREATE TABLE IF NOT EXISTS propdesk_sessions ("
    " digest TEXT PRIMARY KEY, name TEXT NOT NULL, csrf TEXT NOT NULL, lang TEXT,"
    " started_at TEXT NOT NULL, last_seen TEXT NOT NULL)"
)
_BY_NAME = "CREATE INDEX IF NOT EXISTS propdesk_sessions_name ON propdesk_sessions (name)"
# Only for a user who exists and is not disabled, in the statement that checks it.
_OPEN = (
    "INSERT INTO propdesk_sessions (digest, name, csrf, lang, started_at, last_seen)"
    " SELECT ?, name, ?, ?, ?, ? FROM propdesk_users WHERE name = ? AND disabled_at IS NULL"
)
_FIND = (
    "SELECT s.name, s.csrf, s.lang, s.started_at, s.last_seen, u.role, u.communities"
    " FROM propdesk_sessions s JOIN propdesk_users u ON u.name = s.name"
    " WHERE s.digest = ? AND u.disabled_at IS NULL"
)
_TOUCH = "UPDATE propdesk_sessions SET last_seen = ? WHERE digest = ? AND last_seen < ?"
_END = "DELETE FROM propdesk_sessions WHERE digest = ?"
_END_ALL = "DELETE FROM propdesk_sessions WHERE name = ?"
_FORGET = "DELETE FROM propdesk_sessions WHERE last_seen < ?"
_SET_LANG = "UPDATE propdesk_sessions SET lang = ? WHERE digest = ?"
FORGOTTEN_AFTER = timedelta(days=30)
_LANG = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8}){0,3}")


@dataclass(frozen=True)
class Session:
    """A live console session: whose, its CSRF token, its language and when it began."""

    principal: Principal
    csrf: str
    lang: str | None
    started_at: datetime


def stamp(moment: datetime) -> str:
    """A moment as stored: UTC to the microsecond, always the same length, so that stored
    times order as text."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} needs its offset (a time zone)")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def principal_of(name: str, role: str, stored_scope: str | None) -> Principal:
    """A stored user as a Principal: its scope is a JSON list, NULL for every community."""
    scope = None if stored_scope is None else frozenset(json.loads(stored_scope))
    return Principal(name, Role(role), scope)


def check_lang(lang: str | None) -> str | None:
    """A language tag such as zh-CN or en, or None; anything else is refused."""
    if lang is None or _LANG.fullmatch(lang):
        return lang
    raise ValueError(f"{lang[:40]!r} is not a language tag; e.g. zh-CN or en")


class Sessions:
    """The sessions table; its user checks are joins on the users table."""

    def __init__(self, db: SideDatabase) -> None:
        self._db = db
        db.run(_CREATE)
        db.run(_BY_NAME)

    def open(self, name: str, now: datetime, lang: str | None) -> tuple[str, str] | None:
        """(session id, CSRF token), or None when `name` is not an active user."""
        lang = check_lang(lang)
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self._db.run(_FORGET, (stamp(now - FORGOTTEN_AFTER),))
        at = stamp(now)
        changed, _ = self._db.run(_OPEN, (digest_of(session_id), csrf, lang, at, at, name))
        return (session_id, csrf) if changed else None

    def find(self, session_id: str, now: datetime, idle: timedelta) -> Session | None:
        if not session_id or len(session_id) > 200:
            return None
        digest = digest_of(session_id)
        _, rows = self._db.run(_FIND, (digest,))
        if not rows:
            return None
        name, csrf, lang, started_at, last_seen, role, scope = rows[0]
        if now - datetime.fromisoformat(last_seen) > idle:
            self._db.run(_END, (digest,))
            return None
        at = stamp(now)
        self._db.run(_TOUCH, (at, digest, at))
        return Session(
            principal_of(name, role, scope), csrf, lang, datetime.fromisoformat(started_at)
        )

    def end(self, session_id: str) -> None:
        self._db.run(_END, (digest_of(session_id),))

    def end_all(self, name: str) -> None:
        self._db.run(_END_ALL, (name,))

    def set_lang(self, session_id: str, lang: str) -> None:
        self._db.run(_SET_LANG, (check_lang(lang), digest_of(session_id)))
