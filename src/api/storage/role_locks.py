"""Roles that one process at a time holds in a PostgreSQL database, as session advisory locks.

A role ("follower": the read models' follower; "deliverer": the webhooks' deliverer) is
held by the session that took `pg_try_advisory_lock(key)` on a connection of its own.
PostgreSQL releases the lock when that session ends, also when its process is killed, so a
role is never held by a dead process. `api/server/election.py` stands for a role; this
module knows the keys, opens the lock connections and tells who holds a role (`pg_locks`).

A session advisory lock lives on one server session: the connection must go to PostgreSQL
itself, not through a pooler that shares sessions between clients (pgbouncer's transaction
or statement pooling).
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from api.config.settings import Settings
from api.storage.own_tables import SideDatabase, postgres_conninfo

ROLES = ("follower", "deliverer")  # the roles propdesk's processes stand for

# The session keeps the connection's liveness checked both ways: the client gives up on a
# server that stopped answering within seconds, and the server ends a session whose client
# vanished without closing its socket, releasing the role for another candidate.
_KEEPALIVES = {"keepalives": "1", "keepalives_idle": "2", "keepalives_interval": "1"}
_SERVER_SIDE = (
    "-c tcp_keepalives_idle=2 -c tcp_keepalives_interval=1 -c tcp_keepalives_count=3 "
    "-c idle_session_timeout=0 -c statement_timeout=5000"
)


def role_key(role: str, dbname: str) -> int:
    """The advisory-lock key of a role in a database: the first eight bytes of the SHA-256
    of "propdesk:<role>:<database>", as a signed 64-bit number (PostgreSQL's bigint). Fixed
    for a role and a database, and apart from the schema lock (a small number)."""
    digest = hashlib.sha256(f"propdesk:{role}:{dbname}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def database_name(settings: Settings) -> str:
    return settings.eventsourcing_env()["POSTGRES_DBNAME"]


def lock_conninfo(settings: Settings, role: str) -> str:
    """The connection string of a candidate's lock connection: named, so that
    `pg_stat_activity` tells which process holds a role."""
    env = settings.eventsourcing_env()
    return make_conninfo(
        postgres_conninfo({**env, "POSTGRES_CONNECT_TIMEOUT": "3"}),
        application_name=f"propdesk {role} candidate {os.getpid()}",
        tcp_user_timeout="5000",  # milliseconds
        options=_SERVER_SIDE,
        **_KEEPALIVES,
    )


def connect_for_lock(settings: Settings, role: str) -> psycopg.Connection[Any]:
    return psycopg.connect(lock_conninfo(settings, role), autocommit=True)


def try_lock(db: psycopg.Connection[Any], key: int) -> bool:
    row = db.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
    return bool(row and row[0])


# A bigint key shows in pg_locks split in two: its high half in classid, its low half in
# objid, with objsubid 1 (2 is the form with two integer keys).
HOLDERS = (
    "SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
    "AND d.datname = current_database() AND l.classid::bigint = ? AND l.objid::bigint = ?"
)


def holder_params(key: int) -> tuple[int, int]:
    unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
    return unsigned >> 32, unsigned & 0xFFFF_FFFF


def held_roles(db: SideDatabase, dbname: str, roles: tuple[str, ...] = ROLES) -> dict[str, bool]:
    """Whether some session holds each role now. One look at PostgreSQL's lock table, which
    lives in shared memory: cheap, and it sees every process on every machine."""
    held = {}
    for role in roles:
        _, rows = db.run(HOLDERS, holder_params(role_key(role, dbname)))
        held[role] = bool(rows)
    return held
