"""Command-line entry points of the read models themselves: rebuild them, follow the log."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime
from functools import partial
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from api.cli.errors import DbOption, reports_errors
from api.cli.local_times import local_text
from api.cli.read_side import PolicyOption
from api.config.settings import Settings
from api.retention import retention_for
from api.server.election import Candidate, JobFailed
from api.terminal.consoles import output_console, say_error
from api.terminal.progress import catch_up, progress_bar, progress_console
from api.wiring import open_follower
from projections.follower import Follower

console = output_console()

PageOption = Annotated[
    int, typer.Option("--page-size", min=1, max=100_000, help="events per transaction")
]

projections_app = typer.Typer(help="Build and follow the read models.", no_args_is_help=True)


@projections_app.command("rebuild")
@reports_errors
def rebuild(db: DbOption = None, policy: PolicyOption = None, page_size: PageOption = 2000) -> None:
    """Rebuild every read model from position zero. On PostgreSQL it first takes the role
    of follower, so that no other process writes the read models meanwhile: it waits until
    every `propdesk serve` and `propdesk projections run` on the database has stopped."""
    settings = Settings.load(db=db, policy=policy)
    # Opened first: a database that cannot be used is refused at once, not waited for.
    follower = open_follower(settings, settings.policy, rebuilding=True)
    follower.page_size = page_size
    if not settings.is_postgres:
        _rebuild(follower, threading.Event())
        return
    done = threading.Event()
    rebuilt: list[bool] = []

    def once(halt: threading.Event) -> None:
        try:
            _rebuild(follower, halt)
            rebuilt.append(True)
        finally:
            done.set()  # one rebuild: then the role is given up, not stood for again

    report = partial(_report_outage, zone=settings.timezone)
    hint = " (stop every propdesk serve and projections run on this database to rebuild)"
    try:
        Candidate(settings, "follower", once, say=report, waiting_hint=hint).run(done)
    except JobFailed as failed:
        if not isinstance(failed.__cause__, RebuildStopped):
            raise failed.__cause__ or failed from None
    if not rebuilt:
        say_error(
            "the rebuild stopped before its end: it lost the follower's role (its connection"
            " to PostgreSQL). The follower that takes the role next goes on from the last"
            " page written; run the rebuild again for a whole one"
        )
        raise typer.Exit(1)


class RebuildStopped(Exception):
    """The rebuild lost the follower's role (its lock connection) and stopped; the follower
    that takes the role next goes on from the last page written."""


def _rebuild(follower: Follower, halt: threading.Event) -> None:
    head = follower.head()
    started = datetime.now(UTC)
    with progress_bar() as bar:
        task = bar.add_task("rebuilding", total=max(head, 1))

        def progress(position: int, _head: int) -> None:
            if halt.is_set():
                raise RebuildStopped(
                    f"the rebuild stopped at position {position}: it lost the follower's role"
                )
            bar.update(task, completed=position)

        done = follower.rebuild(progress)
    seconds = (datetime.now(UTC) - started).total_seconds()
    rate = done / seconds if seconds else 0.0
    console.print(f"rebuilt from {done} events in {seconds:.1f} s ({rate:,.0f} events/s)")


@projections_app.command("run")
@reports_errors
def run(
    db: DbOption = None,
    policy: PolicyOption = None,
    poll: Annotated[float, typer.Option(help="seconds between polls at the head")] = 0.5,
    page_size: PageOption = 2000,
) -> None:
    """Follow the event log continuously (until Ctrl-C or SIGTERM). On PostgreSQL it first
    takes the role of follower, which one process at a time holds (a `propdesk serve` may):
    it waits for its turn, saying so."""
    settings = Settings.load(db=db, policy=policy)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    report = partial(_report_outage, zone=settings.timezone)

    def follow(halt: threading.Event) -> None:
        follower = open_follower(settings, settings.policy, audit=True)
        follower.page_size = page_size
        catch_up(follower, stop=halt)
        console.print(f"following the log from position {follower.store.position()}; Ctrl-C stops")
        # The database going away and coming back is reported on stderr; it does not stop this.
        follower.run(
            halt,
            poll_seconds=poll,
            report=report,
            after_round=retention_for(settings, follower),  # off unless configured
        )
        console.print(f"stopped at position {follower.store.position()}")

    if not settings.is_postgres:
        follow(stop)
        return
    try:
        Candidate(settings, "follower", follow, say=report).run(stop)
    except JobFailed as failed:  # said as the command said it before it stood for the role
        raise failed.__cause__ or failed from None


def _report_outage(line: str, *, zone: ZoneInfo) -> None:
    stamp = local_text(datetime.now(UTC), zone)
    progress_console.print(f"{stamp} {line}", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(projections_app, name="projections")
