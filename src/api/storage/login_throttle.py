"""Failed console logins, counted per name, so that guessing a password is slow.

Each failure is a row (name, when). By default five within five minutes block the name
until enough of them are five minutes old for fewer than five to remain; a successful
login clears the name's failures. Failures older than a day are deleted whenever another
is recorded, so the table stays small even when many names are tried.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from math import ceil

from api.storage.own_tables import SideDatabase
from api.storage.sessions import stamp

LIMIT = 5
WINDOW = timedelta(minutes=5)
KEPT = timedelta(days=1)

_CREATE = (
    "CREATE TABLE IF NOT EXISTS propdesk_login_failures (name TEXT NOT NULL, at TEXT NOT NULL)"
)
_BY_NAME = (
    "CREATE INDEX IF NOT EXISTS propdesk_login_failures_name ON propdesk_login_failures (name, at)"
)
_RECORD = "INSERT INTO propdesk_login_failures (name, at) VALUES (?, ?)"
_FORGET = "DELETE FROM propdesk_login_failures WHERE at < ?"
_COUNTED = (
    "SELECT at FROM propdesk_login_failures WHERE name = ? AND at > ? AND at <= ? ORDER BY at"
)
_CLEAR = "DELETE FROM propdesk_login_failures WHERE name = ?"


class LoginFailures:
    def __init__(self, db: SideDatabase) -> None:
        self._db = db
        db.run(_CREATE)
        db.run(_BY_NAME)

    def record(self, name: str, at: datetime) -> None:
        self._db.run(_FORGET, (stamp(at - KEPT),))
        self._db.run(_RECORD, (name, stamp(at)))

    def blocked_for(self, name: str, now: datetime, limit: int, window: timedelta) -> int:
        """Seconds until `name` may try again: 0 unless `limit` failures fall in the
        `window` up to `now` ((now - window, now]); then until enough of them have left it
        for fewer than `limit` to remain (the oldest, when there are `limit`); at least 1."""
        if limit < 1:
            raise ValueError(f"a limit of {limit} failures; at least 1")
        _, rows = self._db.run(_COUNTED, (name, stamp(now - window), stamp(now)))
        if len(rows) < limit:
            return 0
        freed = datetime.fromisoformat(rows[len(rows) - limit][0]) + window
        return max(1, ceil((freed - now).total_seconds()))

    def clear(self, name: str) -> None:
        self._db.run(_CLEAR, (name,))
