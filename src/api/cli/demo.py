"""`propdesk demo`: simulate a community into an SQLite file, with progress and a summary,
and create the console's demo accounts (api.cli.demo_accounts).

The demo replaces its own earlier output without asking, and nothing else unasked
(api.cli.demo_database says how it tells them apart).
"""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli.demo_accounts import DemoAccount, create_accounts
from api.cli.demo_database import mark, prepare_database, record_accounts, seal
from api.cli.local_times import local_text
from api.config.settings import Settings, SettingsError
from api.simulation.clock import SHANGHAI
from api.simulation.simulator import Scenario, simulate
from api.simulation.story import Tally
from api.storage.communities import open_communities
from api.terminal.consoles import output_console, text
from workflow.lifecycles import LIFECYCLES

KINDS = ("repair", "complaint", "renovation")
SIMULATOR = "demo"  # who the registry records as having registered the communities
STATES = tuple(dict.fromkeys(s for lc in LIFECYCLES.values() for s in lc.states))


@dataclass(frozen=True)
class DemoResult:
    db: Path
    scenario: Scenario
    start: datetime
    end: datetime
    cases: dict[tuple[str, str], int]  # (kind, state) -> cases
    by_community: dict[tuple[str, str], int]  # (community, kind) -> cases
    open_by_community: dict[str, int]
    events: int
    activity: dict[str, int]  # holds, handovers, reopens... as the simulation counted them
    elapsed: float  # seconds
    replaced: str | None  # what happened to a file that was there before
    accounts: tuple[DemoAccount, ...]  # the console's, with their passwords

    @property
    def case_count(self) -> int:
        return sum(self.cases.values())

    @property
    def events_per_second(self) -> float:
        return self.events / self.elapsed if self.elapsed > 0 else 0.0


def run_demo(
    settings: Settings,
    scenario: Scenario,
    *,
    replace: bool = False,
    console: Console | None = None,
) -> DemoResult:
    if settings.is_postgres:
        raise SettingsError(
            "the demo writes a throwaway SQLite file, but the database setting "
            "(--db / PROPDESK_DB) is PostgreSQL; pass --db with a file path, e.g. --db demo.db"
        )
    path = settings.sqlite_path
    console = console or output_console()
    replaced = prepare_database(path, replace=replace)
    if replaced:
        console.print(replaced)
    run, tally = mark(path, scenario), Tally()
    _register(settings, scenario)
    began = time.perf_counter()
    try:
        with (
            _ctrl_c_between_steps() as pressed,
            Progress(
                TextColumn("[bold]simulating[/bold] {task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[events]} events"),
                TimeElapsedColumn(),
                console=console,
            ) as bar,
        ):
            label = f"{scenario.days} days of {scenario.households} households"
            task = bar.add_task(label, total=1.0, events=0)

            def report(done: float, events: int) -> None:
                bar.update(task, completed=done, events=events)
                if pressed.is_set():
                    raise KeyboardInterrupt

            outcome = simulate(settings, scenario, report, tally)
    finally:
        # An interrupted run too: what it wrote until then stays known as the demo's.
        seal(path, run, tally.events)
    elapsed = time.perf_counter() - began
    accounts = create_accounts(settings, scenario)
    record_accounts(path, run, [a.name for a in accounts])
    return DemoResult(
        db=path,
        scenario=scenario,
        start=outcome.start,
        end=outcome.end,
        cases=dict(Counter((view.kind, view.state) for view in tally.cases.values())),
        by_community=dict(Counter((v.community, v.kind) for v in tally.cases.values())),
        open_by_community=dict(Counter(v.community for v in tally.cases.values() if v.is_open)),
        events=tally.events,
        activity=dict(tally.activity),
        elapsed=elapsed,
        replaced=replaced,
        accounts=accounts,
    )


def _register(settings: Settings, scenario: Scenario) -> None:
    registry = open_communities(settings)
    try:
        for site in scenario.communities:
            registry.register(site.code, site.name, by=SIMULATOR)
    finally:
        registry.close()


@contextmanager
def _ctrl_c_between_steps() -> Iterator[threading.Event]:
    """Ctrl-C ends the run between two steps of the simulation, not between writing an
    event and counting it, so that the run is sealed with all it wrote; a second Ctrl-C
    ends it at once."""
    pressed = threading.Event()
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous == signal.SIG_IGN:
        yield pressed
        return
    restore = signal.default_int_handler if previous is None else previous

    def press(_signum: int, _frame: FrameType | None) -> None:
        pressed.set()
        signal.signal(signal.SIGINT, restore)

    signal.signal(signal.SIGINT, press)
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, restore)


# -- the summary -------------------------------------------------------------------


def print_summary(console: Console, result: DemoResult, zone: ZoneInfo = SHANGHAI) -> None:
    console.print(_cases_table(result))
    if result.scenario.communities:
        console.print(_communities_table(result))
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


def _communities_table(result: DemoResult) -> Table:
    table = Table(title="cases by community (小区)")
    for name in ("community", "name", "households", *KINDS, "total", "open"):
        table.add_column(name, justify="left" if name in ("community", "name") else "right")
    for site in result.scenario.communities:
        counts = [result.by_community.get((site.code, kind), 0) for kind in KINDS]
        figures = (
            site.households,
            *counts,
            sum(counts),
            result.open_by_community.get(site.code, 0),
        )
        table.add_row(site.code, text(site.name), *(f"{n:,}" for n in figures))
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
        *(
            (
                "service level",
                f"{c.community}: 二级 (level-2) from "
                f"{(result.start + timedelta(days=c.after_days)).astimezone(zone).date()}",
            )
            for c in result.scenario.contracts
        ),
        ("cases", f"{result.case_count:,}"),
        ("events written", f"{result.events:,}"),
        ("elapsed", f"{result.elapsed:.1f} s"),
        ("events per second", f"{result.events_per_second:,.0f}"),
    ]
    for name, value in rows:
        table.add_row(name, text(value))
    return table
