"""Case numbers (工单号) in a table beside the events: assigned once, never changed.

A new case's number is written by the event store's recorder in the transaction that
records the case (`api.storage.recorders`), where writers take turns: SQLite has one
writer at a time, and eventsourcing's PostgreSQL recorder locks the events table for the
transaction. So the next place of a day is read and taken with nothing in between, under
concurrent intake, group commit and retries alike, and the order of places is the order
the cases were recorded in.

Cases recorded before numbers existed get theirs the first time the application opens,
in the order they were recorded (`backfill`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any, cast
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import Application

from api.config.settings import Settings
from api.storage.own_tables import SideDatabase, open_own_store
from workflow.case_numbers import NumberSlot, case_number, parse_number
from workflow.events import Received

log = logging.getLogger("propdesk.numbers")

CREATE = (
    "CREATE TABLE IF NOT EXISTS propdesk_case_numbers ("
    " case_id TEXT PRIMARY KEY, prefix TEXT NOT NULL, day TEXT NOT NULL,"
    " place INTEGER NOT NULL, UNIQUE (prefix, day, place))"
)
# The day's next place, taken in the statement that reads it. A case numbered already
# keeps its number.
ASSIGN = (
    "INSERT INTO propdesk_case_numbers (case_id, prefix, day, place)"
    " SELECT ?, ?, ?, COALESCE(MAX(place), 0) + 1 FROM propdesk_case_numbers"
    " WHERE prefix = ? AND day = ? ON CONFLICT (case_id) DO NOTHING"
)
_PAGE = 10_000


def assign_rows(slots: Iterable[NumberSlot]) -> list[tuple[str, str, str, str, str]]:
    """ASSIGN's parameters for each slot."""
    return [(s.case_id, s.prefix, s.day, s.prefix, s.day) for s in slots]


class CaseNumbers:
    def __init__(self, db: SideDatabase) -> None:
        self._db = db
        db.run(CREATE)

    def number_of(self, case_id: UUID | str) -> str | None:
        return self.numbers_of([case_id]).get(str(case_id))

    def numbers_of(self, case_ids: Sequence[UUID | str]) -> dict[str, str]:
        found: dict[str, str] = {}
        # A few hundred ids a query: SQLite admits at most 32,766 parameters in one.
        for start in range(0, len(case_ids), 500):
            chunk = [str(c) for c in case_ids[start : start + 500]]
            marks = ", ".join("?" for _ in chunk)
            _, rows = self._db.run(
                "SELECT case_id, prefix, day, place FROM propdesk_case_numbers"
                f" WHERE case_id IN ({marks})",
                chunk,
            )
            found.update((str(r[0]), case_number(r[1], r[2], int(r[3]))) for r in rows)
        return found

    def case_of(self, number: str) -> str | None:
        """The id of the case with this number; InvalidInput if it is not a number."""
        prefix, day, place = parse_number(number)
        _, rows = self._db.run(
            "SELECT case_id FROM propdesk_case_numbers WHERE prefix = ? AND day = ? AND place = ?",
            (prefix, day, place),
        )
        return str(rows[0][0]) if rows else None

    def backfill(self, app: Application[Any], zone: ZoneInfo) -> int:
        """Numbers for the cases recorded before numbers existed, in the order they were
        recorded; nothing when some case has a number already. Returns how many."""
        _, found = self._db.run("SELECT 1 FROM propdesk_case_numbers LIMIT 1")
        if found:
            return 0
        slots: list[NumberSlot] = []
        start = 1
        while notes := app.recorder.select_notifications(start=start, limit=_PAGE):
            for note in notes:
                if note.topic == Received.TOPIC:
                    event = cast(Received, app.mapper.to_domain_event(note))
                    slots.append(
                        NumberSlot.of(str(event.originator_id), event.kind, event.occurred_at, zone)
                    )
            start = notes[-1].id + 1
        if slots:
            log.warning("numbering %d cases recorded before case numbers existed", len(slots))
            self._db.run_many(ASSIGN, assign_rows(slots))
        return len(slots)

    def close(self) -> None:
        self._db.close()


def open_case_numbers(settings: Settings) -> CaseNumbers:
    return open_own_store(settings, CaseNumbers)
