"""The demo's database file: which one it may replace, and the mark it leaves in its own.

The demo replaces a database only when everything in it is the demo's own work and no
other process has it open. It knows its own work by a marker table, written before the
first event, in which a run that ends records how many events it wrote, when it wrote
every event in the file, and the names of the console accounts it created. A file whose
events match the last run's count exactly, that holds no API token, no account but the
run's and no table the demo does not write, is an earlier demo's output: the sessions,
failed logins and access log of its own accounts are the demo's too (someone looked around
with them).
Anything else (a token, a case from the server, an interrupted run, a file an older
propdesk wrote) is data the demo did not write: it is left alone unless `--replace` says
to delete it, and even then not while another process has it open.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import NamedTuple

from api.config.settings import SettingsError, side_paths
from api.simulation.simulator import Scenario
from api.storage.in_use import StoreInUse, alone
from api.storage.private_files import JOURNALS, private_database

MARKER = "propdesk_demo"
EVENTS = "stored_events"  # eventsourcing's table of the events, on SQLite
TOKENS = "propdesk_tokens"
USERS = "propdesk_users"
# What a demo run writes: its events and snapshots, the reporters' records, its accounts,
# its marker; and what signing in with its accounts writes.
DEMO_TABLES = frozenset(
    {
        EVENTS,
        "stored_snapshots",
        "propdesk_reporters",
        "propdesk_communities",
        "propdesk_case_numbers",
        USERS,
        "propdesk_sessions",
        "propdesk_login_failures",
        "propdesk_access_log",
        MARKER,
    }
)


class DemoRefused(SettingsError):
    """The chosen database cannot take the demo without losing data."""


def prepare_database(path: Path, *, replace: bool) -> str | None:
    """Make `path` ready for a demo: says what was done with an existing file, if anything.

    Refused, with the reason and the ways out, when the file holds data the demo did not
    write (unless `replace`) or another process has it open (whatever `replace` says)."""
    try:
        with alone(path):
            found = inspect(path)
            if found.foreign and not replace:
                raise DemoRefused(
                    f"{path} {found.foreign}; the demo never replaces data it did not write. "
                    "Pass --db with another file to simulate into, or --replace to delete "
                    "this one and everything in it first"
                )
            _delete(path)
    except StoreInUse:
        raise DemoRefused(
            f"{path} is open in another process (a server, `projections run`, another "
            "command); the demo never replaces a database in use, not even with --replace. "
            "Pass --db with another file to simulate into, or stop that process first"
        ) from None
    if found.foreign:
        return f"deleted {path}, which {found.foreign} (--replace)"
    return f"replaced the earlier demo database {path}" if found.demo else None


class Found(NamedTuple):
    demo: bool  # an earlier demo's output, and nothing else
    foreign: str  # why it holds data the demo did not write; empty if it holds none


def inspect(path: Path) -> Found:
    if not path.exists():
        return Found(demo=False, foreign="")
    try:
        with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as db:
            filled = _filled(db)
            foreign = _foreign(db, filled) if filled else ""
            return Found(demo=bool(filled) and not foreign, foreign=foreign)
    except sqlite3.DatabaseError:
        return Found(demo=False, foreign="is not a propdesk database")


def _filled(db: sqlite3.Connection) -> set[str]:
    listed = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    tables = {name for (name,) in listed if not name.startswith("sqlite_")}
    return {t for t in tables if _rows(db, t, "SELECT EXISTS (SELECT 1 FROM {})")}


def _foreign(db: sqlite3.Connection, filled: set[str]) -> str:
    if MARKER not in filled:
        return "holds data the demo did not write"
    if tokens := _rows(db, TOKENS, "SELECT count(*) FROM {}") if TOKENS in filled else 0:
        return f"holds {tokens} API token{'s' if tokens != 1 else ''}"
    if others := sorted(filled - DEMO_TABLES):
        return f"holds tables the demo does not write: {', '.join(others)}"
    last_run = db.execute(f"SELECT * FROM {MARKER} ORDER BY rowid DESC LIMIT 1")
    columns = [column[0] for column in last_run.description]
    run = dict(zip(columns, last_run.fetchone(), strict=True))
    if USERS in filled and (strangers := _strangers(db, run.get("accounts"))):
        return f"holds console accounts the demo did not create: {', '.join(strangers)}"
    written = run.get("events")  # a marker from before runs recorded it has none
    found = (0, 0)
    if EVENTS in filled:
        found = tuple(db.execute(f"SELECT count(*), max(rowid) FROM {EVENTS}").fetchone())
    if written is None or found != (written, written):
        return (
            "holds events that no finished demo run accounts for (a case from a server or "
            "a command, or an interrupted or older demo run)"
        )
    return ""


def _strangers(db: sqlite3.Connection, accounts: str | None) -> list[str]:
    """The accounts in the file that the last run did not create."""
    own = set(json.loads(accounts)) if accounts else set()
    return sorted({name for (name,) in db.execute(f"SELECT name FROM {USERS}")} - own)


def _rows(db: sqlite3.Connection, table: str, query: str) -> int:
    quoted = '"' + table.replace('"', '""') + '"'
    return int(db.execute(query.format(quoted)).fetchone()[0])


def _delete(path: Path) -> None:
    # Only ever with no other process in the database. The read models, audit tree and
    # notices built from the old events go with them (the audit key stays); a journal left
    # without its database would be replayed into a new one.
    for file in (path, *side_paths(path)):
        for suffix in ("", *JOURNALS):
            file.with_name(file.name + suffix).unlink(missing_ok=True)


def mark(path: Path, scenario: Scenario) -> int:
    """The marker of a new run, before its first event: an interrupted run is known as one.
    Returns the run's row for `seal`."""
    private_database(path)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER}"
            " (seed INTEGER, households INTEGER, days INTEGER, events INTEGER, accounts TEXT)"
        )
        added = db.execute(
            f"INSERT INTO {MARKER} (seed, households, days) VALUES (?, ?, ?)",
            (scenario.seed, scenario.households, scenario.days),
        )
        return int(added.lastrowid or 0)


def seal(path: Path, run: int, written: int) -> None:
    """Record that the run wrote `written` events, if they are all the events in the file:
    a process that wrote beside the demo leaves the run unsealed, its file not the demo's."""
    with closing(sqlite3.connect(path, timeout=10)) as db, db:
        db.execute(
            f"UPDATE {MARKER} SET events = ? WHERE rowid = ?"
            f" AND (SELECT count(*) FROM {EVENTS}) = ?"
            f" AND (SELECT coalesce(max(rowid), 0) FROM {EVENTS}) = ?",
            (written, run, written, written),
        )


def record_accounts(path: Path, run: int, names: list[str]) -> None:
    """The console accounts the run created: a later run replaces them with the file."""
    with closing(sqlite3.connect(path, timeout=10)) as db, db:
        db.execute(f"UPDATE {MARKER} SET accounts = ? WHERE rowid = ?", (json.dumps(names), run))
