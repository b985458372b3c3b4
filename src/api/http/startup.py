"""Opening a server process's runtime, with a failure said in one line.

`propdesk serve` opens the runtime once itself before it starts anything (a database it
cannot open, PostgreSQL away), and each worker opens its own before uvicorn starts, so
that a failure is this one line and exit status, not uvicorn's traceback of a failed
lifespan and a worker started again and again.
"""

from __future__ import annotations

import sqlite3

import psycopg
from eventsourcing.persistence import PersistenceError

from api.config.redaction import redact
from api.config.server import ServerConfig
from api.config.settings import Settings
from api.http.runtime import Runtime
from api.server.start_failures import StartFailed

# What storage raises when it cannot be opened: eventsourcing's wrappers, psycopg and
# psycopg_pool's own errors, sqlite3's, and the file system's (permissions, no space).
STORAGE_ERRORS = (PersistenceError, psycopg.Error, sqlite3.Error, OSError)


def open_runtime(config: ServerConfig) -> Runtime:
    try:
        return Runtime.open(config)
    except STORAGE_ERRORS as error:
        raise StartFailed(cannot_open(config.settings, error)) from None


def cannot_open(settings: Settings, error: BaseException) -> str:
    """`cannot open the database X: <the innermost storage error's first line>`."""
    where = settings.shown_db if settings.is_postgres else str(settings.sqlite_path)
    cause: BaseException = error
    while isinstance(cause, PersistenceError) and cause.__cause__ is not None:
        cause = cause.__cause__  # eventsourcing's wrapper says less than what it wraps
    if isinstance(cause, OSError) and cause.strerror:
        first_line = cause.strerror  # the file is named already: not "[Errno 21] ...: 'X'"
    else:
        first_line = next(iter(str(cause).strip().splitlines()), "") or type(cause).__name__
    password = settings.eventsourcing_env().get("POSTGRES_PASSWORD", "")
    return f"cannot open the database {where}: {redact(first_line, password)}"
