"""Reporter (personal data) records in the same database as the events.

A separate table, not events, so that a record can be erased (PIPL).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from workflow.personal_data import Reporter

_CREATE = (
    "CREATE TABLE IF NOT EXISTS propdesk_reporters ("
    " ref TEXT PRIMARY KEY, name TEXT NOT NULL, phone TEXT)"
)


class SQLiteReporters:
    def __init__(self, path: Path) -> None:
        self._path = str(path)
        self._local = threading.local()
        with self._connection() as db:
            db.execute(_CREATE)

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self._path, timeout=10, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            self._local.db = db
        return db

    def add(self, ref: str, reporter: Reporter) -> None:
        self._connection().execute(
            "INSERT INTO propdesk_reporters (ref, name, phone) VALUES (?, ?, ?)"
            " ON CONFLICT(ref) DO NOTHING",
            (ref, reporter.name, reporter.phone),
        )

    def get(self, ref: str) -> Reporter | None:
        row = (
            self._connection()
            .execute("SELECT name, phone FROM propdesk_reporters WHERE ref = ?", (ref,))
            .fetchone()
        )
        return Reporter(row[0], row[1]) if row else None

    def erase(self, ref: str) -> bool:
        cursor = self._connection().execute("DELETE FROM propdesk_reporters WHERE ref = ?", (ref,))
        return cursor.rowcount > 0


class PostgresReporters:
    """The same table in PostgreSQL, through the psycopg driver eventsourcing uses."""

    def __init__(self, env: dict[str, str]) -> None:
        import psycopg  # imported here: only PostgreSQL deployments install it

        self._conninfo: dict[str, Any] = {
            "dbname": env["POSTGRES_DBNAME"],
            "host": env["POSTGRES_HOST"],
            "port": env["POSTGRES_PORT"],
            "user": env["POSTGRES_USER"],
            "password": env["POSTGRES_PASSWORD"],
            "autocommit": True,
            "connect_timeout": int(env.get("POSTGRES_CONNECT_TIMEOUT", "5")),
        }
        self._psycopg = psycopg
        with self._connect() as db:
            db.execute(_CREATE)

    def _connect(self) -> Any:
        return self._psycopg.connect(**self._conninfo)

    def add(self, ref: str, reporter: Reporter) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO propdesk_reporters (ref, name, phone) VALUES (%s, %s, %s)"
                " ON CONFLICT (ref) DO NOTHING",
                (ref, reporter.name, reporter.phone),
            )

    def get(self, ref: str) -> Reporter | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT name, phone FROM propdesk_reporters WHERE ref = %s", (ref,)
            ).fetchone()
        return Reporter(row[0], row[1]) if row else None

    def erase(self, ref: str) -> bool:
        with self._connect() as db:
            return bool(
                db.execute("DELETE FROM propdesk_reporters WHERE ref = %s", (ref,)).rowcount
            )
