"""Which storage errors say the database cannot serve now (a 503 with Retry-After), as
opposed to a request or the code being wrong."""

from __future__ import annotations

import sqlite3

import psycopg

# SQLSTATE classes and codes that say the server cannot serve now, not that the request or
# the code is wrong: connection exception, insufficient resources (too many connections,
# disk full), operator intervention (shutdown, starting up, cancelled), system error; lock
# timeout, serialization failure, deadlock.
_UNAVAILABLE_CLASSES = ("08", "53", "57", "58")
_UNAVAILABLE_CODES = ("55P03", "40001", "40P01")
RETRY_AFTER_SECONDS = "2"


def database_unavailable(error: BaseException) -> bool:
    """Whether the error, or one it was raised from, says the database is unreachable or
    cannot serve for now, so that the same request may succeed later.

    psycopg's OperationalError without a SQLSTATE is a client-side connection failure
    (refused, closed, reset) or psycopg_pool's PoolTimeout, TooManyRequests, PoolClosed.
    Integrity, data and programming errors are never retryable, nor are SQLite errors
    other than a busy or locked database (its OperationalError also means "no such table").
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, psycopg.OperationalError):
            code = current.sqlstate
            return code is None or code[:2] in _UNAVAILABLE_CLASSES or code in _UNAVAILABLE_CODES
        if isinstance(current, sqlite3.OperationalError):
            message = str(current)
            return "database is locked" in message or "database table is locked" in message
        if isinstance(current, psycopg.Error | sqlite3.Error):
            return False
        current = current.__cause__ or current.__context__
    return False
