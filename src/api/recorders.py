"""The event store's recorders, extended to write reporters' records in the transaction
that records the events.

`CaseService` passes the records of the cases it saves as `reporter_records` to the
event store's `put`; eventsourcing hands its keyword arguments down to the recorder's
`_insert_events`, the hook it offers for writing other rows in the same transaction.
A case and its reporter's record are then stored together or not at all, with one
commit (and one fsync) for a whole intake batch. Chosen with eventsourcing's
APPLICATION_RECORDER_TOPIC setting (see `api.wiring`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg import Cursor
from psycopg.rows import DictRow

from api.reporters_sql import INSERT
from workflow.personal_data import Reporter


def _rows(kwargs: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    records: Sequence[tuple[str, Reporter]] = kwargs.get("reporter_records") or ()
    return [(ref, reporter.name, reporter.phone) for ref, reporter in records]


class SQLiteCaseRecorder(SQLiteApplicationRecorder):
    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        for row in _rows(kwargs):
            c.execute(INSERT, row)
        return ids


class PostgresCaseRecorder(PostgresApplicationRecorder):
    def _insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        super()._insert_events(curs, stored_events, **kwargs)
        rows = _rows(kwargs)
        if rows:
            curs.executemany(INSERT.replace("?", "%s"), rows)


def recorder_topic(is_postgres: bool) -> str:
    chosen = PostgresCaseRecorder if is_postgres else SQLiteCaseRecorder
    return f"{chosen.__module__}:{chosen.__qualname__}"
