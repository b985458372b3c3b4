"""One storage interface for every read model, with SQLite and PostgreSQL implementations.

Both build on eventsourcing's tracking recorders: each page of read-model
changes is written in the same transaction as the log position it reaches,
so a crash can neither lose nor double-count an event.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder

from projections.schema import DROP, INDEXES, tables
from projections.tracked import (
    POSTGRES,
    SQLITE,
    UPSTREAM,
    WRITER_CACHE_KIB,
    PostgresTables,
    SQLiteTables,
    Statement,
    TrackedStore,
    open_tracked,
)

__all__ = ["UPSTREAM", "WRITER_CACHE_KIB", "ReadModelStore", "Statement", "open_store"]

# An upgrade's statement: its rows may be produced as they are written (`upgrades`).
Rewrite = tuple[str, Iterable[Sequence[Any]]]
_SET_META = (
    "INSERT INTO rm_meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
    " DO UPDATE SET value = excluded.value"
)


class ReadModelStore(TrackedStore):
    """The read models' tables (`projections.schema`), emptied and rebuilt as a whole."""

    @classmethod
    def own_tables(cls, dialect: str) -> list[str]:
        return tables(dialect)

    def reset(self, *, indexes: bool = True) -> None:
        """Empty every read model and forget the position: the next run starts at zero.

        Without `indexes`, the secondary indexes are left out until `create_indexes`."""
        with self._cursor(commit=True) as c:
            for statement in DROP:
                c.execute(statement)
            for statement in tables(self.dialect):
                if indexes or statement not in INDEXES:
                    c.execute(statement)
            c.execute(
                self._sql(f"DELETE FROM {self.tracking_table} WHERE application_name = ?"),
                (UPSTREAM,),
            )

    def start_rebuild(self) -> ReadModelStore:
        """An empty store to rebuild into; `finish_rebuild` makes its contents the live ones.

        This one rebuilds in place: its tables are emptied now, the indexes come at the end."""
        self.reset(indexes=False)
        return self

    def finish_rebuild(self, built: ReadModelStore) -> None:
        built.create_indexes()

    def create_indexes(self) -> None:
        with self._cursor(commit=True) as c:
            for statement in INDEXES:
                c.execute(statement)

    def meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM rm_meta WHERE key = ?", (key,))
        return str(rows[0]["value"]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._cursor(commit=True) as c:
            c.execute(self._sql(_SET_META), (key, value))

    def upgrade(self, statements: Sequence[Rewrite], schema: str) -> None:
        """Rewrite the read models and record the table layout reached, in one transaction."""
        with self._cursor(commit=True) as c:
            for sql, rows in statements:
                c.executemany(self._sql(sql), rows)
            c.execute(self._sql(_SET_META), ("schema", schema))


class SQLiteReadModelStore(SQLiteTables, ReadModelStore, SQLiteTrackingRecorder):
    def start_rebuild(self) -> ReadModelStore:
        """A scratch file beside this one: the live read models stay readable, and intact
        if the rebuild dies, until `finish_rebuild` copies the new ones over in one step."""
        path = Path(self.datastore.pool.db_name + ".rebuild")
        _remove_database(path)
        # Owner-only, like the live file: SQLite would create it readable by all.
        os.close(os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o600))
        scratch = open_store(
            {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)},
            scratch=True,
        )
        scratch.reset(indexes=False)
        return scratch

    def finish_rebuild(self, built: ReadModelStore) -> None:
        if built is self:
            super().finish_rebuild(built)
            return
        if not isinstance(built, SQLiteReadModelStore):
            raise TypeError(f"cannot copy a {type(built).__name__} into an SQLite store")
        built.create_indexes()
        # SQLite's backup replaces this database's pages with the scratch file's in one
        # transaction: connections open elsewhere (the server's) see the new read models
        # at once, and never a half-built one.
        with (
            built.datastore.get_connection(commit=False) as source,
            self.datastore.get_connection(commit=True) as target,
        ):
            source._sqlite_conn.backup(target._sqlite_conn)
        built.datastore.close()
        _remove_database(Path(built.datastore.pool.db_name))


class ScratchSQLiteStore(SQLiteReadModelStore):
    """A rebuild's scratch file: thrown away if the rebuild dies, so it needs no journal
    and no flush to disk until it is copied over the live one."""

    @contextmanager
    def _cursor(self, *, commit: bool) -> Iterator[Any]:
        with self.datastore.get_connection(commit=commit) as connection:
            raw = connection._sqlite_conn
            if raw.execute("PRAGMA journal_mode").fetchone()[0] != "off":
                raw.execute("PRAGMA journal_mode=OFF")
                raw.execute("PRAGMA synchronous=OFF")
            with connection.transaction(commit=commit) as cursor:
                yield cursor


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


class PostgresReadModelStore(PostgresTables, ReadModelStore, PostgresTrackingRecorder):
    pass


def open_store(env: Mapping[str, str], *, scratch: bool = False) -> ReadModelStore:
    """`env` uses eventsourcing's keys (PERSISTENCE_MODULE, SQLITE_DBNAME or POSTGRES_*)."""
    sqlite_class = ScratchSQLiteStore if scratch else SQLiteReadModelStore
    implementations: dict[str, type[ReadModelStore]] = {
        SQLITE: sqlite_class,
        POSTGRES: PostgresReadModelStore,
    }
    return open_tracked(env, "readmodels", implementations, "read models")
