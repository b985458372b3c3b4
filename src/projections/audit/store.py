"""Where the audit tree lives: its leaves, its perfect subtrees and the signed checkpoints,
beside the read models (an SQLite file of its own, or tables in the PostgreSQL database),
with the log position they reach tracked in the same transaction.

The tree is never rebuilt in place: a rebuild from tampered events would hide the
tampering. `propdesk audit verify` recomputes it from the events and compares.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder

from projections.audit.merkle import Node, RightEdge
from projections.tracked import (
    POSTGRES,
    SQLITE,
    PostgresTables,
    SQLiteTables,
    TrackedStore,
    open_tracked,
)

_TABLES = [
    # One row per stored event, in log order: `leaf` counts from 0, `position` is the
    # event's place in the log (which may skip numbers), `hash` its leaf hash.
    """CREATE TABLE IF NOT EXISTS audit_leaves (
        leaf BIGINT PRIMARY KEY, position BIGINT NOT NULL, case_id TEXT NOT NULL,
        version BIGINT NOT NULL, hash {blob} NOT NULL)""",
    # Positions only grow, so this index is appended to, never rewritten in the middle (an
    # index on the case, with its random ids, cost the follower far more per event).
    "CREATE INDEX IF NOT EXISTS audit_leaves_position ON audit_leaves (position)",
    # Every perfect subtree above the leaves: 2**level leaves from leaf idx * 2**level.
    """CREATE TABLE IF NOT EXISTS audit_nodes (
        level INTEGER NOT NULL, idx BIGINT NOT NULL, hash {blob} NOT NULL,
        PRIMARY KEY (level, idx))""",
    # Each signed checkpoint, as handed out.
    """CREATE TABLE IF NOT EXISTS audit_checkpoints (
        size BIGINT PRIMARY KEY, root {blob} NOT NULL, note TEXT NOT NULL,
        signed_at BIGINT NOT NULL)""",
]
INSERT_LEAF = (
    "INSERT INTO audit_leaves (leaf, position, case_id, version, hash) VALUES (?, ?, ?, ?, ?)"
)
INSERT_NODE = "INSERT INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)"
INSERT_CHECKPOINT = (
    "INSERT INTO audit_checkpoints (size, root, note, signed_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (size) DO NOTHING"
)


@dataclass(frozen=True)
class StoredCheckpoint:
    size: int
    root: bytes
    note: str
    signed_at: int  # microseconds since 1970 UTC


class AuditStore(TrackedStore):
    @classmethod
    def own_tables(cls, dialect: str) -> list[str]:
        blob = "BYTEA" if dialect == "postgresql" else "BLOB"
        return [table.format(blob=blob) for table in _TABLES]

    def size(self) -> int:
        rows = self.query("SELECT MAX(leaf) AS last FROM audit_leaves")
        last = rows[0]["last"] if rows else None
        return 0 if last is None else int(last) + 1

    def nodes(self, wanted: Iterable[Node]) -> dict[Node, bytes]:
        """The stored hashes of these subtrees (level 0: the leaves)."""
        wanted = sorted(set(wanted))
        found: dict[Node, bytes] = {}
        leaves = [index for level, index in wanted if level == 0]
        inner = [node for node in wanted if node[0] > 0]
        if leaves:
            marks = ", ".join("?" for _ in leaves)
            for row in self.query(
                f"SELECT leaf, hash FROM audit_leaves WHERE leaf IN ({marks})", leaves
            ):
                found[(0, int(row["leaf"]))] = bytes(row["hash"])
        if inner:
            pairs = " OR ".join("(level = ? AND idx = ?)" for _ in inner)
            flat = [value for node in inner for value in node]
            for row in self.query(f"SELECT level, idx, hash FROM audit_nodes WHERE {pairs}", flat):
                found[(int(row["level"]), int(row["idx"]))] = bytes(row["hash"])
        missing = [node for node in wanted if node not in found]
        if missing:
            raise LookupError(f"the audit tree lacks the subtrees {missing[:5]}")
        return found

    def right_edge(self) -> RightEdge:
        size = self.size()
        nodes = RightEdge.nodes(size)
        known = self.nodes(nodes)
        return RightEdge(size, [known[node] for node in nodes])

    def leaves_at(self, positions: Iterable[int]) -> dict[int, int]:
        """The leaf of each of these log positions the tree holds."""
        wanted = sorted(set(positions))
        if not wanted:
            return {}
        marks = ", ".join("?" for _ in wanted)
        rows = self.query(
            f"SELECT position, leaf FROM audit_leaves WHERE position IN ({marks})", wanted
        )
        return {int(r["position"]): int(r["leaf"]) for r in rows}

    def checkpoints(self, *, latest_only: bool = False) -> list[StoredCheckpoint]:
        """The stored checkpoints, smallest first; or only the latest."""
        order = "DESC LIMIT 1" if latest_only else "ASC"
        rows = self.query(
            f"SELECT size, root, note, signed_at FROM audit_checkpoints ORDER BY size {order}"
        )
        return [
            StoredCheckpoint(int(r["size"]), bytes(r["root"]), str(r["note"]), int(r["signed_at"]))
            for r in rows
        ]

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        found = self.checkpoints(latest_only=True)
        return found[0] if found else None

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        with self._cursor(commit=True) as c:
            c.execute(
                self._sql(INSERT_CHECKPOINT),
                (checkpoint.size, checkpoint.root, checkpoint.note, checkpoint.signed_at),
            )


class SQLiteAuditStore(SQLiteTables, AuditStore, SQLiteTrackingRecorder):
    pass


class PostgresAuditStore(PostgresTables, AuditStore, PostgresTrackingRecorder):
    pass


def open_audit_store(env: Mapping[str, str]) -> AuditStore:
    """`env` uses eventsourcing's keys (PERSISTENCE_MODULE, SQLITE_DBNAME or POSTGRES_*)."""
    implementations: dict[str, type[AuditStore]] = {
        SQLITE: SQLiteAuditStore,
        POSTGRES: PostgresAuditStore,
    }
    return open_tracked(env, "audit", implementations, "the audit tree")
