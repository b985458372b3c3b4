"""`propdesk demo`: simulate a community into an SQLite file, with progress and a summary.

The demo owns its database file. It writes a marker table into it, so a later
run can tell its own earlier output (replaced without asking) from a database
that holds real data (left alone unless --fresh says to delete it).
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.consoles import output_console, text
from api.local_times import local_text
from api.settings import Settings, SettingsError, read_models_path
from api.simulation_time import SHANGHAI
from api.simulator import Scenario, simulate
from workflow.lifecycles import LIFECYCLES

MARKER = "propdesk_demo"
KINDS = ("repair", "complaint", "renovation")
STATES = tuple(dict.fromkeys(s for lc in LIFECYCLES.values() for s in lc.states))


class DemoRefused(SettingsError):
    """The chosen database cannot take the demo without losing data."""


@dataclass(frozen=True)
class DemoResult:
    db: Path
    scenario: Scenario
    start: datetime
    end: datetime
    cases: dict[tuple[str, str], int]  # (kind, state) -> cases
    events: int
    activity: dict[str, int]  # holds, handovers, reopens... as the simulation counted them
    elapsed: float  # seconds
    replaced: str | None  # what happened to a file that was there before

    @property
    def case_count(self) -> int:
        return sum(self.cases.values())

    @property
    def events_per_second(self) -> float:
        return self.events / self.elapsed if self.elapsed > 0 else 0.0


def run_demo(
    settings: Settings, scenario: Scenario, *, fresh: bool = False, console: Console | None = None
) -> DemoResult:
    if settings.is_postgres:
        raise SettingsError(
            "the demo writes a throwaway SQLite file, but the database setting "
            "(--db / PROPDESK_DB) is PostgreSQL; pass --db with a file path, e.g. --db demo.db"
        )
    path = settings.sqlite_path
    console = console or output_console()
    replaced = prepare_database(path, fresh=fresh)
    if replaced:
        console.print(replaced)
    _mark(path, scenario)
    began = time.perf_counter()
    with Progress(
        TextColumn("[bold]simulating[/bold] {task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[events]} events"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        label = f"{scenario.days} days of {scenario.households} households"
        task = bar.add_task(label, total=1.0, events=0)
        outcome = simulate(
            settings,
            scenario,
            lambda done, events: bar.update(task, completed=done, events=events),
        )
    elapsed = time.perf_counter() - began
    tally = outcome.tally
    return DemoResult(
        db=path,
        scenario=scenario,
        start=outcome.start,
        end=outcome.end,
        cases=dict(Counter((view.kind, view.state) for view in tally.cases.values())),
        events=tally.events,
        activity=dict(tally.activity),
        elapsed=elapsed,
        replaced=replaced,
    )


# -- the database file ---------------------------------------------------------------


def prepare_database(path: Path, *, fresh: bool) -> str | None:
    """Make `path` ready for a demo; says what was done with an existing file, if anything."""
    if not path.exists():
        _delete(path)  # leftovers of a deleted database would be replayed into a new one
        return None
    found = _contents(path)
    if found == "empty":
        return None
    if found == "demo":
        _delete(path)
        return f"replaced the earlier demo database {path}"
    if fresh:
        _delete(path)
        return f"deleted {path} and its data (--fresh)"
    what = "holds data the demo did not write" if found == "data" else "is not an SQLite database"
    raise DemoRefused(
        f"{path} {what}; the demo will not mix its made-up cases into it. "
        "Pass --fresh to delete the file first, or --db to choose another file"
    )


def _contents(path: Path) -> str:
    """'demo', 'empty', 'data', or 'unreadable' (not an SQLite database)."""
    try:
        with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as db:
            listed = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            tables = [name for (name,) in listed if not name.startswith("sqlite_")]
            if MARKER in tables:
                return "demo"
            for table in tables:
                quoted = table.replace('"', '""')
                if db.execute(f'SELECT EXISTS (SELECT 1 FROM "{quoted}")').fetchone()[0]:
                    return "data"
    except sqlite3.DatabaseError:
        return "unreadable"
    return "empty"


def _delete(path: Path) -> None:
    # The read models built from the old events go with them.
    for file in (path, read_models_path(path)):
        for suffix in ("", "-wal", "-shm", "-journal"):
            file.with_name(file.name + suffix).unlink(missing_ok=True)


def _mark(path: Path, scenario: Scenario) -> None:
    # Written before the first event, so even an interrupted demo is known as one.
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER} (seed INTEGER, households INTEGER, days INTEGER)"
        )
        db.execute(
            f"INSERT INTO {MARKER} VALUES (?, ?, ?)",
            (scenario.seed, scenario.households, scenario.days),
        )


# -- the summary -------------------------------------------------------------------


def print_summary(console: Console, result: DemoResult, zone: ZoneInfo = SHANGHAI) -> None:
    console.print(_cases_table(result))
    console.print(_activity_table(result))
    console.print(_run_table(result, zone))


def _cases_table(result: DemoResult) -> Table:
    table = Table(title="cases by kind and state")
    table.add_column("state")
    for kind in (*KINDS, "total"):
        table.add_column(kind, justify="right")
    for state in STATES:
        counts = [result.cases.get((kind, state), 0) for kind in KINDS]
        if any(counts):
            table.add_row(state, *(f"{n:,}" if n else "" for n in (*counts, sum(counts))))
    totals = [sum(n for (k, _), n in result.cases.items() if k == kind) for kind in KINDS]
    table.add_row("all", *(f"{n:,}" for n in (*totals, sum(totals))), style="bold")
    return table


def _activity_table(result: DemoResult) -> Table:
    table = Table(title="what happened along the way")
    table.add_column("occurrence")
    table.add_column("times", justify="right")
    for name, times in sorted(result.activity.items()):
        table.add_row(name, f"{times:,}")
    return table


def _run_table(result: DemoResult, zone: ZoneInfo) -> Table:
    first, last = local_text(result.start, zone), local_text(result.end, zone)
    table = Table(title="the run", show_header=False)
    table.add_column(justify="left")
    table.add_column(justify="right")
    rows = [
        ("database", str(result.db)),
        ("households", f"{result.scenario.households:,}"),
        ("simulated period", f"{first} to {last}"),
        ("seed", str(result.scenario.seed)),
        ("cases", f"{result.case_count:,}"),
        ("events written", f"{result.events:,}"),
        ("elapsed", f"{result.elapsed:.1f} s"),
        ("events per second", f"{result.events_per_second:,.0f}"),
    ]
    for name, value in rows:
        table.add_row(name, text(value))
    return table
