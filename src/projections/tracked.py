"""Tables kept by a follower of the event log, on SQLite or PostgreSQL: each page of changes
is written in the same transaction as the log position it reaches, so a crash can neither
lose nor double-count an event. The read models and the audit tree are two such stores.

Both build on eventsourcing's tracking recorders; `SQLiteTables` and `PostgresTables` add
the store's own tables and a cursor in a transaction to them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from eventsourcing.persistence import InfrastructureFactory, Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import Environment
from psycopg.sql import SQL, Composed

from projections.pool_opening import open_pool

UPSTREAM = "cases"  # the application whose log the followers follow
Statement = tuple[str, Sequence[Sequence[Any]]]


class TrackedStore(TrackingRecorder, ABC):
    placeholder = "?"
    dialect = "sqlite"

    if TYPE_CHECKING:  # provided by the library's SQLite and PostgreSQL tracking recorders

        def _insert_tracking(self, c: Any, tracking: Tracking) -> None: ...

    @classmethod
    @abstractmethod
    def own_tables(cls, dialect: str) -> list[str]:
        """The store's CREATE statements (IF NOT EXISTS) in `dialect`."""

    @abstractmethod
    def _cursor(self, *, commit: bool) -> Any: ...

    @property
    @abstractmethod
    def tracking_table(self) -> str: ...

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


# The writing connection's page cache (SQLite's default is 2 MiB). Each new case adds a
# row to tables keyed by its random id, so a page of events touches index pages all
# over the read models, and with the default cache most had to be read back first
# (bench/follower_io.py, docs/benchmarks.md). It costs the follower at most this much
# more memory.
WRITER_CACHE_KIB = 16 * 1024


class SQLiteTables(TrackedStore):
    """Mixed in before eventsourcing's SQLiteTrackingRecorder."""

    if TYPE_CHECKING:
        datastore: Any

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.own_tables("sqlite")]  # type: ignore[misc]

    @contextmanager
    def _cursor(self, *, commit: bool) -> Iterator[Any]:
        with self.datastore.get_connection(commit=commit) as connection:
            raw = connection._sqlite_conn
            if commit and raw.execute("PRAGMA synchronous").fetchone()[0] != 1:
                # Everything a follower writes can be written again from the events; in WAL
                # mode NORMAL keeps each page atomic with its position and skips an fsync.
                raw.execute("PRAGMA synchronous=NORMAL")
                raw.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
            with connection.transaction(commit=commit) as cursor:
                yield cursor

    def _fetchmany(self, cursor: Any, size: int) -> list[Any]:
        return list(cursor.sqlite_cursor.fetchmany(size))  # the library's wrapper lacks it

    @property
    def tracking_table(self) -> str:
        return "tracking"


class PostgresTables(TrackedStore):
    """Mixed in before eventsourcing's PostgresTrackingRecorder."""

    placeholder = "%s"
    dialect = "postgresql"
    if TYPE_CHECKING:
        datastore: PostgresDatastore
        sql_create_statements: list[Composed]
        tracking_table_name: str

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        open_pool(datastore.pool)
        super().__init__(datastore, **kwargs)  # type: ignore[call-arg]
        self.sql_create_statements.extend(Composed([SQL(s)]) for s in self.own_tables("postgresql"))

    def _cursor(self, *, commit: bool) -> Any:
        return self.datastore.transaction(commit=commit)

    @property
    def tracking_table(self) -> str:
        return str(self.tracking_table_name)


Store = TypeVar("Store", bound=TrackedStore)


def open_tracked(
    env: Mapping[str, str],
    name: str,
    implementations: Mapping[str, type[Store]],
    what: str,
) -> Store:
    """`env` uses eventsourcing's keys (PERSISTENCE_MODULE, SQLITE_DBNAME or POSTGRES_*);
    `name` names the store's tracking table on PostgreSQL; `implementations` maps the
    persistence module to the store's class for it; `what` names the store in messages."""
    factory = InfrastructureFactory.construct(Environment(name=name, env=dict(env)))
    module = env.get("PERSISTENCE_MODULE", "")
    if module not in implementations:
        raise ValueError(f"{what} need SQLite or PostgreSQL, not {module or 'memory'}")
    return cast(Store, factory.tracking_recorder(implementations[module]))


SQLITE, POSTGRES = "eventsourcing.sqlite", "eventsourcing.postgres"
