"""`propdesk backup` and `propdesk restore`: the operator's side of api.backup.procedures.

A restore ends with read models that agree with the restored events: the copy
in the backup caught up to its last event, or, when the backup has none or they
were built with another policy or table layout, a rebuild from the events.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import psycopg
import typer
from rich.text import Text

from api.backup.procedures import BackupError, Manifest, restore, take_backup
from api.cli.errors import DbOption, reports_errors, unusable
from api.cli.local_times import local_text
from api.cli.read_side import PolicyOption
from api.config.redaction import redact
from api.config.settings import Settings
from api.terminal.consoles import output_console, say_error
from api.terminal.progress import catch_up, progress_bar, progress_console
from api.wiring import open_follower
from projections.layout import PolicyMismatch

P = ParamSpec("P")
R = TypeVar("R")

console = output_console()


def backup_errors(command: Callable[P, R]) -> Callable[P, R]:
    """A refusal to overwrite exits with 3, so that a script can tell it from a failure (2).
    Files, SQLite and the PostgreSQL connection fail with their own message, not a trace."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except BackupError as error:
            code = error.exit_code
            message = str(error)
        except (sqlite3.Error, psycopg.Error) as error:
            code = 2
            message = unusable(error, kwargs.get("db"))
        except OSError as error:
            code = 2
            message = f"{type(error).__name__}: {error}"
        say_error(redact(message))
        raise typer.Exit(code)

    return run


@reports_errors
@backup_errors
def backup(
    to: Annotated[Path, typer.Option("--to", help="a new directory for the backup")],
    db: DbOption = None,
) -> None:
    """Copy the database consistently, also while the server writes to it."""
    settings = Settings.load(db=db)
    with progress_console.status("backing up") as status:
        manifest = take_backup(settings, to, lambda step: status.update(Text(step)))
    console.print(f"backed up {_describe(manifest)} to {to}", soft_wrap=True)


@reports_errors
@backup_errors
def restore_command(
    source: Annotated[Path, typer.Option("--from", help="a directory `propdesk backup` wrote")],
    db: DbOption = None,
    policy: PolicyOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="replace a database that holds data")
    ] = False,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild", help="rebuild the read models from the events, not catch up the copy"
        ),
    ] = False,
) -> None:
    """Restore a backup into an empty database, or with --force over one that holds data
    (stop its server first)."""
    settings = Settings.load(db=db, policy=policy)
    with progress_console.status("restoring") as status:
        manifest = restore(settings, source, force=force, step=lambda s: status.update(Text(s)))
    console.print(
        f"restored {_describe(manifest)} from the backup of "
        f"{local_text(manifest.created_at, settings.timezone)}",
        soft_wrap=True,
    )
    if not rebuild and manifest.read_models_position is not None:
        try:
            follower = open_follower(settings, settings.policy)
        except PolicyMismatch as mismatch:
            progress_console.print(f"{mismatch}: rebuilding them from the events")
        else:
            catch_up(follower, "catching up the read models")
            console.print(f"read models at position {follower.store.position()}")
            return
    follower = open_follower(settings, settings.policy, rebuilding=True)
    with progress_bar() as bar:
        task = bar.add_task("rebuilding the read models", total=max(follower.head(), 1))
        follower.rebuild(lambda position, _head: bar.update(task, completed=position))
    console.print(f"read models rebuilt, at position {follower.store.position()}")


def _describe(manifest: Manifest) -> str:
    found = manifest.contents
    return (
        f"{found.events} events (to log position {found.head}), "
        f"{found.reporters} reporter records, {found.tokens} API tokens"
    )


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore_command)
