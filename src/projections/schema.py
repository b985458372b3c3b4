"""The read models' tables. Portable SQL: the same statements run on SQLite and PostgreSQL.

Times are stored as integer microseconds since 1970-01-01 UTC: exact, compact, ordered.
"""

from __future__ import annotations

from workflow.lifecycles import TERMINAL

# Raise when a table or what it holds changes: read models of another version are upgraded
# at start-up where `projections.upgrades` knows how, and must be rebuilt otherwise.
SCHEMA_VERSION = "8"

TABLES = [
    # The case index: one row per case, as it stands now. `description` as last corrected,
    # for finding cases by its words; `reporter_ref` the reference of the reporter's
    # record (kept apart from the read models, which hold no personal data), or null.
    """CREATE TABLE IF NOT EXISTS rm_case_index (
        case_id TEXT PRIMARY KEY, community TEXT NOT NULL, kind TEXT NOT NULL,
        priority TEXT NOT NULL, category TEXT NOT NULL, location TEXT NOT NULL,
        channel TEXT NOT NULL,
        received_by TEXT NOT NULL, owner TEXT NOT NULL, assignee TEXT, state TEXT NOT NULL,
        held_from TEXT, received_at BIGINT NOT NULL, received_recorded_at BIGINT NOT NULL,
        last_occurred_at BIGINT, version BIGINT NOT NULL, position BIGINT NOT NULL,
        dispatched_elsewhere INTEGER NOT NULL, callbacks INTEGER NOT NULL,
        satisfied INTEGER NOT NULL, completed_at BIGINT, ended_at BIGINT,
        policy_version INTEGER NOT NULL DEFAULT 0, description TEXT NOT NULL DEFAULT '',
        reporter_ref TEXT)""",
    # Per-milestone SLA facts: each applicable milestone's clock on each case.
    """CREATE TABLE IF NOT EXISTS rm_milestones (
        case_id TEXT NOT NULL, name TEXT NOT NULL, started_at BIGINT, stopped_at BIGINT,
        held_seconds DOUBLE PRECISION NOT NULL, held_since BIGINT, excluded INTEGER NOT NULL,
        due_at BIGINT, elapsed_seconds DOUBLE PRECISION, status TEXT NOT NULL,
        late_stop INTEGER NOT NULL, policy_name TEXT,
        policy_version INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (case_id, name))""",
    # First-contact responsibility counters per staff member.
    """CREATE TABLE IF NOT EXISTS rm_staff (
        staff TEXT PRIMARY KEY, received INTEGER NOT NULL, handed_over INTEGER NOT NULL)""",
    # Every event in a compact form, for as-of reports and what-if replays. `type` holds
    # the event's stable topic; `value` the one datum a report needs: assignee, callback
    # outcome, or new owner; `late` is 1 for a late entry.
    """CREATE TABLE IF NOT EXISTS rm_timeline (
        position {position} PRIMARY KEY, case_id TEXT NOT NULL, version BIGINT NOT NULL,
        type TEXT NOT NULL, occurred_at BIGINT NOT NULL, recorded_at BIGINT NOT NULL,
        actor TEXT NOT NULL, value TEXT, late INTEGER NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS rm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
]

# Secondary indexes: a rebuild drops them and creates them once at the end,
# which is faster than keeping them up to date row by row.
INDEXES = [
    "CREATE INDEX IF NOT EXISTS rm_case_index_received ON rm_case_index (received_at)",
    "CREATE INDEX IF NOT EXISTS rm_case_index_owner ON rm_case_index (owner)",
    "CREATE INDEX IF NOT EXISTS rm_case_index_state ON rm_case_index (state)",
    COMMUNITY_INDEX := (
        "CREATE INDEX IF NOT EXISTS rm_case_index_community"
        " ON rm_case_index (community, received_at)"
    ),
    # A resident's cases, from the references of their records (`GET /requests?phone=`).
    REPORTER_INDEX := (
        "CREATE INDEX IF NOT EXISTS rm_case_index_reporter ON rm_case_index (reporter_ref)"
    ),
    "CREATE INDEX IF NOT EXISTS rm_milestones_due ON rm_milestones (due_at)",
    "CREATE INDEX IF NOT EXISTS rm_timeline_case ON rm_timeline (case_id, version)",
]

NEWER_COLUMNS_INDEXES = (COMMUNITY_INDEX, REPORTER_INDEX)

# The open backlog: open cases by kind, state and assignee.
BACKLOG_VIEW = f"""AS
    SELECT kind, state, assignee, COUNT(*) AS cases, MIN(received_at) AS oldest
    FROM rm_case_index
    WHERE state NOT IN ({", ".join(f"'{state}'" for state in TERMINAL)})
    GROUP BY kind, state, assignee"""


def tables(dialect: str) -> list[str]:
    """CREATE statements; views differ: SQLite lacks OR REPLACE, PostgreSQL IF NOT EXISTS."""
    view = (
        "CREATE VIEW IF NOT EXISTS rm_backlog "
        if dialect == "sqlite"
        else "CREATE OR REPLACE VIEW rm_backlog "
    ) + BACKLOG_VIEW
    # SQLite: the timeline's INTEGER PRIMARY KEY is the rowid itself. The case tables
    # are rowid tables with their key in an index, not clustered on it (WITHOUT ROWID):
    # case ids are random, and clustered tables put every new case's whole rows on
    # random pages all over the file: the follower read and wrote several times the
    # pages per event, and used more CPU (bench/follower_io.py, docs/benchmarks.md).
    # Read models built in the older clustered layout work unchanged; a rebuild moves
    # them to this one.
    words = {"position": "INTEGER" if dialect == "sqlite" else "BIGINT"}
    # An index on a column that an older layout lacks waits for the layout check, which
    # adds the column first (`projections.layout`): created here, it would fail on them.
    at_open = [index for index in INDEXES if index not in NEWER_COLUMNS_INDEXES]
    return [*(t.format(**words) for t in TABLES), *at_open, view]


DROP = [
    "DROP VIEW IF EXISTS rm_backlog",
    "DROP TABLE IF EXISTS rm_case_index",
    "DROP TABLE IF EXISTS rm_milestones",
    "DROP TABLE IF EXISTS rm_staff",
    "DROP TABLE IF EXISTS rm_timeline",
    "DROP TABLE IF EXISTS rm_meta",
]
