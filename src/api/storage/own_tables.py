"""propdesk's own tables beside the event store (reporters, tokens), on either backend.

One small interface, so each table's SQL is written once: statements use `?`
placeholders and run one at a time, each in its own transaction, or as a batch of rows
in one transaction.
"""

from __future__ import annotations

import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from psycopg.conninfo import make_conninfo
from psycopg_pool import ConnectionPool

from api.config.settings import Settings
from api.storage.in_use import opening
from projections.pool_opening import open_pool

Result = tuple[int, list[tuple[Any, ...]]]  # (rows changed, rows returned)


class SideDatabase(ABC):
    placeholder = "?"
    # True where a query is a network round trip, which may wait out an outage.
    remote = False

    def run(self, sql: str, params: Sequence[Any] = ()) -> Result:
        return self._execute(sql.replace("?", self.placeholder), tuple(params))

    def run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement for each of `rows`, all in one transaction."""
        if rows:
            self._execute_many(sql.replace("?", self.placeholder), [tuple(r) for r in rows])

    @abstractmethod
    def _execute(self, sql: str, params: tuple[Any, ...]) -> Result: ...

    @abstractmethod
    def _execute_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None: ...

    @abstractmethod
    def close(self) -> None: ...


class SQLiteSide(SideDatabase):
    """A connection per thread to the events file (WAL), in autocommit mode."""

    def __init__(self, path: Path) -> None:
        self._path = str(path)
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self._path, timeout=10, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            self._local.db = db
        return db

    def _execute(self, sql: str, params: tuple[Any, ...]) -> Result:
        cursor = self._connection().execute(sql, params)
        rows = cursor.fetchall()
        return cursor.rowcount, rows

    def _execute_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(sql, rows)
        except BaseException:
            db.rollback()
            raise
        db.commit()

    def close(self) -> None:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


class PostgresSide(SideDatabase):
    """A small connection pool to the events' PostgreSQL database."""

    placeholder = "%s"
    remote = True

    def __init__(self, env: dict[str, str]) -> None:
        conninfo = postgres_conninfo(env)
        # Bounded waits and a check before lending: with PostgreSQL away a request gets
        # its 503 within seconds, and after a restart no dead connection is handed out.
        self._pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=4,
            kwargs={"autocommit": True},
            open=False,
            timeout=2.0,
            check=ConnectionPool.check_connection,
        )
        open_pool(self._pool)

    def _execute(self, sql: str, params: tuple[Any, ...]) -> Result:
        with self._pool.connection() as db:
            cursor = db.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []
            return int(cursor.rowcount), [tuple(r) for r in rows]

    def _execute_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        with self._pool.connection() as db, db.transaction():
            db.cursor().executemany(sql, rows)

    def close(self) -> None:
        self._pool.close()


def postgres_conninfo(env: dict[str, str]) -> str:
    """libpq's connection string from eventsourcing's POSTGRES_* settings."""
    return make_conninfo(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"],
        connect_timeout=env.get("POSTGRES_CONNECT_TIMEOUT", "5"),
    )


# Any number that no other part of propdesk uses as an advisory lock.
_SCHEMA_LOCK = 0x70726F70  # "prop"


@contextmanager
def schema_lock(settings: Settings) -> Iterator[None]:
    """Opening the stores creates their tables when missing, and eventsourcing replaces a
    PostgreSQL function each time. Two processes doing that at once (the workers of
    `serve --workers N`, a server and `projections run`) can fail with "tuple concurrently
    updated", so on PostgreSQL they take turns under an advisory lock. SQLite serialises
    schema changes by itself."""
    if not settings.is_postgres:
        yield
        return
    with psycopg.connect(postgres_conninfo(settings.eventsourcing_env()), autocommit=True) as db:
        db.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
        try:
            yield
        finally:
            db.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))


def open_side_database(settings: Settings) -> SideDatabase:
    if settings.is_postgres:
        return PostgresSide(settings.eventsourcing_env())
    return SQLiteSide(settings.sqlite_path)


Store = TypeVar("Store")


def open_own_store(settings: Settings, build: Callable[[SideDatabase], Store]) -> Store:
    """A store on propdesk's own tables (tokens, communities, case numbers), opened as every
    store is: its schema under the schema lock, its database file held open (`in_use`)."""
    with schema_lock(settings), opening(settings) as keep:
        store = build(open_side_database(settings))
        keep(store)
        return store
