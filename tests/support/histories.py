"""Simulated histories for tests that need many events. Writing one costs a commit, and so
an fsync, per command: it is written where an fsync costs nothing (a RAM-backed directory,
where the machine has one) and copied whole into the test's database file."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from api.config.settings import Settings
from api.simulation.simulator import Outcome, Scenario, simulate

RAM = Path("/dev/shm")


def simulated(db: Path, scenario: Scenario) -> Outcome:
    """The scenario's history in the SQLite file `db`, as `simulate` would write it there."""
    if not (RAM.is_dir() and os.access(RAM, os.W_OK)):
        return simulate(Settings.load({}, db=str(db)), scenario)
    with tempfile.TemporaryDirectory(prefix="propdesk-test-", dir=RAM) as work:
        scratch = Path(work) / db.name
        outcome = simulate(Settings.load({}, db=str(scratch)), scenario)
        copy_database(scratch, db)
    return outcome


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite database, what its WAL holds included."""
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as copy:
        reading.backup(copy)
