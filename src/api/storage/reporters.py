"""Reporter (personal data) records in the same database as the events.

A separate table, not events, so that a record can be erased (PIPL).
"""

from __future__ import annotations

from collections.abc import Sequence

from api.storage.own_tables import SideDatabase
from workflow.personal_data import Reporter

_CREATE = (
    "CREATE TABLE IF NOT EXISTS propdesk_reporters ("
    " ref TEXT PRIMARY KEY, name TEXT NOT NULL, phone TEXT)"
)

# A resident's records by their phone number (`GET /requests?phone=`), without a scan.
# IF NOT EXISTS: tables made before it get it when next opened.
_PHONE_INDEX = "CREATE INDEX IF NOT EXISTS propdesk_reporters_phone ON propdesk_reporters (phone)"

INSERT = (
    "INSERT INTO propdesk_reporters (ref, name, phone) VALUES (?, ?, ?)"
    " ON CONFLICT (ref) DO NOTHING"
)

DELETE = "DELETE FROM propdesk_reporters WHERE ref = ?"


class SqlReporters:
    """The workflow's ReporterRegistry on SQLite or PostgreSQL.

    New cases' records are written by the application's recorder, in the transaction of
    their events (`api.storage.recorders`), when the wiring chose it; otherwise by `add_all`,
    after the events."""

    def __init__(self, db: SideDatabase) -> None:
        self._db = db
        db.run(_CREATE)
        db.run(_PHONE_INDEX)

    def add_all(self, records: Sequence[tuple[str, Reporter]]) -> None:
        self._db.run_many(INSERT, [(ref, r.name, r.phone) for ref, r in records])

    def get(self, ref: str) -> Reporter | None:
        _, rows = self._db.run("SELECT name, phone FROM propdesk_reporters WHERE ref = ?", (ref,))
        return Reporter(rows[0][0], rows[0][1]) if rows else None

    def refs_with_phone(self, phone: str) -> list[str]:
        """The references of the records with this phone number, exactly as stored (intake
        stores a number as it was given); an erased record is no longer found."""
        _, rows = self._db.run("SELECT ref FROM propdesk_reporters WHERE phone = ?", (phone,))
        return [str(row[0]) for row in rows]

    def erase(self, ref: str) -> bool:
        changed, _ = self._db.run(DELETE, (ref,))
        return changed > 0
