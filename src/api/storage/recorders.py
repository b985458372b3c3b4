"""The event store's recorders, extended to write reporters' records and new cases'
numbers in the transaction that records the events.

`SavedWithTheirRecords`, the way the wiring gives intake to save new cases, passes the
records of the cases it saves as `reporter_records` to the event store's `put`;
eventsourcing hands its keyword arguments down to the recorder's `_insert_events`, the
hook it offers for writing other rows in the same transaction. A case and its
reporter's record are then stored together or not at all, with one commit (and one
fsync) for a whole intake batch. Each new case's number is taken there too, as
`case_numbers` (`api.storage.case_numbers`). A reporter's record erased under PIPL is
deleted there too, as `erased_reporters`, with the `ReporterErased` event that says so:
neither is stored without the other (`CaseService._act`). Chosen with eventsourcing's
APPLICATION_RECORDER_TOPIC setting (see `api.wiring`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import Application
from eventsourcing.persistence import Recording, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg import Cursor
from psycopg.rows import DictRow

from api.storage.case_numbers import ASSIGN, assign_rows
from api.storage.reporters import DELETE, INSERT
from projections.pool_opening import open_pool
from workflow.case_numbers import NumberSlot
from workflow.events import Received
from workflow.new_cases import NewCaseEvent, RecentIds, ReporterRecord
from workflow.personal_data import Reporter


def _rows(kwargs: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    records: Sequence[tuple[str, Reporter]] = kwargs.get("reporter_records") or ()
    return [(ref, reporter.name, reporter.phone) for ref, reporter in records]


def _erased(kwargs: dict[str, Any]) -> list[tuple[str]]:
    refs: Sequence[str] = kwargs.get("erased_reporters") or ()
    return [(ref,) for ref in refs]


def _slots(kwargs: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    return assign_rows(kwargs.get("case_numbers") or ())


class SQLiteCaseRecorder(SQLiteApplicationRecorder):
    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        for row in _rows(kwargs):
            c.execute(INSERT, row)
        for ref in _erased(kwargs):
            c.execute(DELETE, ref)
        for slot in _slots(kwargs):
            c.execute(ASSIGN, slot)
        return ids


class PostgresCaseRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        open_pool(datastore.pool)
        super().__init__(datastore, **kwargs)

    def _insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        super()._insert_events(curs, stored_events, **kwargs)
        rows = _rows(kwargs)
        if rows:
            curs.executemany(INSERT.replace("?", "%s"), rows)
        erased = _erased(kwargs)
        if erased:
            curs.executemany(DELETE.replace("?", "%s"), erased)
        slots = _slots(kwargs)
        if slots:
            # eventsourcing locks the events table after this hook, to insert the events;
            # a day's next place must be read and taken under that lock too.
            self._lock_table(curs)
            curs.executemany(ASSIGN.replace("?", "%s"), slots)


def recorder_topic(is_postgres: bool) -> str:
    chosen = PostgresCaseRecorder if is_postgres else SQLiteCaseRecorder
    return f"{chosen.__module__}:{chosen.__qualname__}"


class SavedWithTheirRecords:
    """Intake's `NewCases` on a store whose recorder is one of the above: new cases'
    events straight to the event store, their reporters' records in the same transaction.

    Straight to the event store, not through `Application.save`: save asks typing's
    runtime protocols whether each object is an event and whether it collects events,
    and does nothing else a new case needs: no snapshot is due at its first version, and
    the application keeps no cache of aggregates (docs/benchmarks.md)."""

    def __init__(self, app: Application[UUID], zone: ZoneInfo) -> None:
        self._events = app.events
        self._zone = zone  # whose calendar day a case number's date is
        self._recent = RecentIds()
        self._remembering = threading.Lock()  # the writer thread and request threads save

    def save(
        self, events: Sequence[NewCaseEvent], records: Sequence[ReporterRecord]
    ) -> list[Recording[UUID]]:
        numbers = [
            NumberSlot.of(str(e.originator_id), e.kind, e.occurred_at, self._zone)
            for e in events
            if isinstance(e, Received)
        ]
        recordings = self._events.put(events, reporter_records=records, case_numbers=numbers)
        with self._remembering:
            for event in events:
                self._recent.remember(event.originator_id)
        return recordings

    def saved_lately(self, case_id: UUID) -> bool:
        return case_id in self._recent
