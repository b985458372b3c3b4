"""Someone with write access to the database changes the stored events directly, behind
propdesk's back: the tamper tests of the audit tree (docs/audit.md)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

import psycopg


class Tamperer:
    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith("postgresql://")
        self.table = "cases_events" if self.postgres else "stored_events"
        self.id = "notification_id" if self.postgres else "rowid"

    @contextmanager
    def _sql(self) -> Iterator[Any]:
        if self.postgres:
            with psycopg.connect(self.url, autocommit=False) as db:
                yield db
            return
        with closing(sqlite3.connect(self.url)) as db:
            yield db
            db.commit()

    def _run(self, db: Any, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        sql = sql.replace("ID", self.id).replace("?", "%s" if self.postgres else "?")
        cursor = db.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []

    def event(self, position: int) -> tuple[str, int, str, bytes]:
        with self._sql() as db:
            rows = self._run(
                db,
                f"SELECT originator_id, originator_version, topic, state FROM {self.table}"
                " WHERE ID = ?",
                (position,),
            )
        case_id, version, topic, state = rows[0]
        return str(case_id), int(version), str(topic), bytes(state)

    def change(self, position: int) -> None:
        """Rewrite one event's stored time, as someone backdating a report would."""
        *_, state = self.event(position)
        data = json.loads(state)
        data["occurred_at"]["_data_"] = "2020-01-01T00:00:00+00:00"
        with self._sql() as db:
            self._run(
                db,
                f"UPDATE {self.table} SET state = ? WHERE ID = ?",
                (json.dumps(data).encode(), position),
            )

    def delete(self, position: int) -> None:
        with self._sql() as db:
            self._run(db, f"DELETE FROM {self.table} WHERE ID = ?", (position,))

    def truncate_after(self, position: int) -> None:
        with self._sql() as db:
            self._run(db, f"DELETE FROM {self.table} WHERE ID > ?", (position,))

    def insert_forged(self, position: int) -> None:
        """A forged event at `position`, the later ones moved up one place: a copy of the
        event there as the next version of its case."""
        case_id, _, topic, state = self.event(position)
        with self._sql() as db:
            last = self._run(
                db,
                f"SELECT MAX(originator_version) FROM {self.table} WHERE originator_id = ?",
                (case_id,),
            )[0][0]
            self._run(db, f"UPDATE {self.table} SET ID = -ID WHERE ID >= ?", (position,))
            self._run(db, f"UPDATE {self.table} SET ID = 1 - ID WHERE ID < 0")
            self._run(
                db,
                f"INSERT INTO {self.table} (ID, originator_id, originator_version, topic, state)"
                " VALUES (?, ?, ?, ?, ?)",
                (position, case_id, int(last) + 1, topic, state),
            )

    def swap(self, first: int, second: int) -> None:
        with self._sql() as db:
            self._run(db, f"UPDATE {self.table} SET ID = -1 WHERE ID = ?", (first,))
            self._run(db, f"UPDATE {self.table} SET ID = ? WHERE ID = ?", (first, second))
            self._run(db, f"UPDATE {self.table} SET ID = ? WHERE ID = -1", (second,))
