"""One storage interface for every read model, with SQLite and PostgreSQL implementations.

Both build on eventsourcing's tracking recorders: each page of read-model
changes is written in the same transaction as the log position it reaches,
so a crash can neither lose nor double-count an event.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from eventsourcing.persistence import InfrastructureFactory, Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder
from eventsourcing.utils import Environment
from psycopg.sql import SQL, Composed

from projections.pool_opening import open_pool
from projections.schema import DROP, INDEXES, tables

UPSTREAM = "cases"  # the application whose log the read models follow
Statement = tuple[str, Sequence[Sequence[Any]]]
# An upgrade's statement: its rows may be produced as they are written (`upgrades`).
Rewrite = tuple[str, Iterable[Sequence[Any]]]
_SET_META = (
    "INSERT INTO rm_meta (key, value) VALUES (?, ?) ON CONFLICT (key)"
    " DO UPDATE SET value = excluded.value"
)


class ReadModelStore(TrackingRecorder, ABC):
    placeholder = "?"
    dialect = "sqlite"

    if TYPE_CHECKING:  # provided by the library's SQLite and PostgreSQL tracking recorders

        def _insert_tracking(self, c: Any, tracking: Tracking) -> None: ...

    @abstractmethod
    def _cursor(self, *, commit: bool) -> Any: ...

    def _sql(self, statement: str) -> str:
        return statement if self.placeholder == "?" else statement.replace("?", self.placeholder)

    def position(self) -> int:
        return self.max_tracking_id(UPSTREAM) or 0

    def write(self, statements: Sequence[Statement], position: int) -> None:
        """All changes of one page, and the position they reach, in one transaction."""
        with self._cursor(commit=True) as c:
            for sql, rows in statements:
                if rows:
                    c.executemany(self._sql(sql), rows)
            self._insert_tracking(c, Tracking(UPSTREAM, position))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Mapping[str, Any]]:
        with self._cursor(commit=False) as c:
            c.execute(self._sql(sql), tuple(params))
            return list(c.fetchall())

    def stream(
        self, sql: str, params: Sequence[Any] = (), batch: int = 5000
    ) -> Iterator[Mapping[str, Any]]:
        with self._cursor(commit=False) as c:
            c.execute(self._sql(sql), tuple(params))
            while rows := self._fetchmany(c, batch):
                yield from rows

    def _fetchmany(self, cursor: Any, size: int) -> list[Any]:
        return list(cursor.fetchmany(size))

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

    @property
    @abstractmethod
    def tracking_table(self) -> str: ...


# The writing connection's page cache (SQLite's default is 2 MiB). Each new case adds a
# row to tables keyed by its random id, so a page of events touches index pages all
# over the read models, and with the default cache most had to be read back first
# (bench/follower_io.py, docs/benchmarks.md). It costs the follower at most this much
# more memory.
WRITER_CACHE_KIB = 16 * 1024


class SQLiteReadModelStore(ReadModelStore, SQLiteTrackingRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *tables("sqlite")]

    @contextmanager
    def _cursor(self, *, commit: bool) -> Iterator[Any]:
        with self.datastore.get_connection(commit=commit) as connection:
            raw = connection._sqlite_conn
            if commit and raw.execute("PRAGMA synchronous").fetchone()[0] != 1:
                # Read models can be rebuilt from the events; in WAL mode NORMAL keeps
                # each page atomic with its position and skips an fsync per page.
                raw.execute("PRAGMA synchronous=NORMAL")
                raw.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
            with connection.transaction(commit=commit) as cursor:
                yield cursor

    def _fetchmany(self, cursor: Any, size: int) -> list[Any]:
        return list(cursor.sqlite_cursor.fetchmany(size))  # the library's wrapper lacks it

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

    @property
    def tracking_table(self) -> str:
        return "tracking"


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


class PostgresReadModelStore(ReadModelStore, PostgresTrackingRecorder):
    placeholder = "%s"
    dialect = "postgresql"

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        open_pool(datastore.pool)
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.extend(Composed([SQL(s)]) for s in tables("postgresql"))

    def _cursor(self, *, commit: bool) -> Any:
        return self.datastore.transaction(commit=commit)

    @property
    def tracking_table(self) -> str:
        return str(self.tracking_table_name)


def open_store(env: Mapping[str, str], *, scratch: bool = False) -> ReadModelStore:
    """`env` uses eventsourcing's keys (PERSISTENCE_MODULE, SQLITE_DBNAME or POSTGRES_*)."""
    factory = InfrastructureFactory.construct(Environment(name="readmodels", env=dict(env)))
    module = env.get("PERSISTENCE_MODULE", "")
    store: ReadModelStore
    if module == "eventsourcing.postgres":
        store = cast(ReadModelStore, factory.tracking_recorder(PostgresReadModelStore))
    elif module == "eventsourcing.sqlite":
        sqlite_class = ScratchSQLiteStore if scratch else SQLiteReadModelStore
        store = cast(ReadModelStore, factory.tracking_recorder(sqlite_class))
    else:
        raise ValueError(f"read models need SQLite or PostgreSQL, not {module or 'memory'}")
    return store
