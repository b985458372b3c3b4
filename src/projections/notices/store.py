"""Where notices live: the follower's working copies of open cases, the timed warnings not
yet due, the outbox, and the webhooks' endpoints and deliveries. An SQLite file of its own
beside the read models (`<name>.notices.sqlite`), or tables in the PostgreSQL database.

The follower writes each page's changes with the log position they reach in one
transaction, as the read models do. The store is never rebuilt: a rebuild would send
every notice of the past again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder

from projections.notices.kinds import Notice
from projections.times import EPOCH, from_micros
from projections.tracked import (
    POSTGRES,
    SQLITE,
    PostgresTables,
    SQLiteTables,
    Statement,
    TrackedStore,
    open_tracked,
)

# Times are integer microseconds since 1970 UTC, as in the read models.
_TABLES = [
    # The follower's working copy of each open case (JSON), dropped when the case ends.
    "CREATE TABLE IF NOT EXISTS nt_cases (case_id TEXT PRIMARY KEY, file TEXT NOT NULL)",
    # When each open case next has a warning due (the earliest instant of its running
    # milestones' warnings not yet taken in); none while nothing is to come.
    """CREATE TABLE IF NOT EXISTS nt_schedule (
        case_id TEXT PRIMARY KEY, fire_at BIGINT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS nt_schedule_fire ON nt_schedule (fire_at)",
    # Every notice, once (its id is unique). `fanned_out`: the webhooks' deliveries for it
    # have been made.
    """CREATE TABLE IF NOT EXISTS nt_outbox (
        sequence {serial}, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
        case_id TEXT NOT NULL, community TEXT NOT NULL, kind TEXT NOT NULL, milestone TEXT,
        run INTEGER NOT NULL, due_at BIGINT, at BIGINT NOT NULL, emitted_at BIGINT NOT NULL,
        late INTEGER NOT NULL, fanned_out INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX IF NOT EXISTS nt_outbox_case ON nt_outbox (case_id)",
    "CREATE INDEX IF NOT EXISTS nt_outbox_waiting ON nt_outbox (fanned_out, sequence)",
    "CREATE TABLE IF NOT EXISTS nt_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # The webhooks' endpoints. `events` and `communities` are JSON lists (no communities:
    # all). `secret` signs the json format; `robot_secret` is a DingTalk robot's signing
    # secret, when it has one.
    """CREATE TABLE IF NOT EXISTS wh_endpoints (
        id TEXT PRIMARY KEY, url TEXT NOT NULL, format TEXT NOT NULL, events TEXT NOT NULL,
        communities TEXT NOT NULL, secret TEXT NOT NULL, robot_secret TEXT,
        allow_private INTEGER NOT NULL, created_at BIGINT NOT NULL, created_by TEXT NOT NULL,
        disabled_at BIGINT, disabled_reason TEXT)""",
    # One delivery of one notice to one endpoint; `webhook_id` is the same on every attempt.
    # status: pending, delivered or failed (given up after the retry period, which runs
    # from `first_attempt_at`).
    """CREATE TABLE IF NOT EXISTS wh_deliveries (
        webhook_id TEXT PRIMARY KEY, endpoint_id TEXT NOT NULL, notice_id TEXT NOT NULL,
        notice_sequence BIGINT NOT NULL, type TEXT NOT NULL, case_id TEXT NOT NULL,
        status TEXT NOT NULL, attempts INTEGER NOT NULL, created_at BIGINT NOT NULL,
        next_attempt_at BIGINT, first_attempt_at BIGINT, last_attempt_at BIGINT,
        last_status INTEGER, last_error TEXT, delivered_at BIGINT)""",
    "CREATE INDEX IF NOT EXISTS wh_deliveries_due ON wh_deliveries (status, next_attempt_at)",
    "CREATE INDEX IF NOT EXISTS wh_deliveries_case ON wh_deliveries (case_id)",
    "CREATE INDEX IF NOT EXISTS wh_deliveries_created ON wh_deliveries (created_at)",
]

OUTBOX_COLUMNS = (
    "sequence, id, type, case_id, community, kind, milestone, run, due_at, at, emitted_at, late"
)
INSERT_NOTICE = (
    "INSERT INTO nt_outbox (id, type, case_id, community, kind, milestone, run, due_at, at,"
    " emitted_at, late) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
)
UPSERT_CASE = (
    "INSERT INTO nt_cases (case_id, file) VALUES (?, ?)"
    " ON CONFLICT (case_id) DO UPDATE SET file = excluded.file"
)
DELETE_CASE = "DELETE FROM nt_cases WHERE case_id = ?"
UPSERT_TIMED = (
    "INSERT INTO nt_schedule (case_id, fire_at) VALUES (?, ?)"
    " ON CONFLICT (case_id) DO UPDATE SET fire_at = excluded.fire_at"
)
DELETE_TIMED = "DELETE FROM nt_schedule WHERE case_id = ?"


def notice_of(row: Mapping[str, Any]) -> Notice:
    """A notice from an outbox row (OUTBOX_COLUMNS)."""
    return Notice(
        sequence=int(row["sequence"]),
        id=str(row["id"]),
        type=str(row["type"]),
        case_id=str(row["case_id"]),
        community=str(row["community"]),
        kind=str(row["kind"]),
        milestone=row["milestone"],
        run=int(row["run"]),
        due_at=from_micros(row["due_at"]),
        at=_moment(row["at"]),
        emitted_at=_moment(row["emitted_at"]),
        late=bool(row["late"]),
    )


def _moment(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=int(micros))


class NoticeStore(TrackedStore):
    @classmethod
    def own_tables(cls, dialect: str) -> list[str]:
        serial = (
            "BIGSERIAL PRIMARY KEY"
            if dialect == "postgresql"
            else "INTEGER PRIMARY KEY AUTOINCREMENT"
        )
        return [table.format(serial=serial) for table in _TABLES]

    def execute(self, statements: Sequence[Statement]) -> None:
        """Statements in one transaction, without moving the tracked position."""
        with self._cursor(commit=True) as c:
            for sql, rows in statements:
                if rows:
                    c.executemany(self._sql(sql), rows)

    def meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM nt_meta WHERE key = ?", (key,))
        return str(rows[0]["value"]) if rows else None

    def notices_after(self, sequence: int, limit: int = 500) -> list[Notice]:
        """The outbox from after `sequence` on, oldest first."""
        rows = self.query(
            f"SELECT {OUTBOX_COLUMNS} FROM nt_outbox WHERE sequence > ? ORDER BY sequence LIMIT ?",
            (sequence, limit),
        )
        return [notice_of(row) for row in rows]

    def notices_for_case(self, case_id: str) -> list[Notice]:
        rows = self.query(
            f"SELECT {OUTBOX_COLUMNS} FROM nt_outbox WHERE case_id = ? ORDER BY sequence",
            (case_id,),
        )
        return [notice_of(row) for row in rows]

    def last_sequence(self) -> int:
        rows = self.query("SELECT MAX(sequence) AS last FROM nt_outbox")
        last = rows[0]["last"] if rows else None
        return 0 if last is None else int(last)


class SQLiteNoticeStore(SQLiteTables, NoticeStore, SQLiteTrackingRecorder):
    pass


class PostgresNoticeStore(PostgresTables, NoticeStore, PostgresTrackingRecorder):
    pass


def open_notice_store(env: Mapping[str, str]) -> NoticeStore:
    """`env` uses eventsourcing's keys (PERSISTENCE_MODULE, SQLITE_DBNAME or POSTGRES_*)."""
    implementations: dict[str, type[NoticeStore]] = {
        SQLITE: SQLiteNoticeStore,
        POSTGRES: PostgresNoticeStore,
    }
    return open_tracked(env, "notices", implementations, "the notices")
