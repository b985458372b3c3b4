"""The command-line entry point of the HTTP API: `propdesk serve`."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from api.cli.errors import DbOption, reports_errors
from api.config.server import FOLLOW_ENV, SERVER_PID_ENV, ServerConfig
from api.http.startup import open_runtime
from api.server.start_failures import StartFailed
from api.server.supervisor import replace_this_process
from api.server.workers import PortInUse, check_port
from api.terminal.consoles import output_console, say_error

console = output_console()


def default_workers() -> int:
    """One server process per CPU, at most four."""
    return max(1, min(os.cpu_count() or 1, 4))


@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    db: DbOption = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="server processes [default: one per CPU, at most 4]"),
    ] = None,
    follow: Annotated[
        bool | None,
        typer.Option(
            "--follow/--no-follow",
            help="keep the read models current from this command, in a process of its own "
            "(default: on for SQLite; off for PostgreSQL, where `propdesk projections run` "
            "follows the log)",
        ),
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn's log level")] = "info",
) -> None:
    """Serve the HTTP API under uvicorn (docs at /docs, the OpenAPI document at /openapi.json)."""
    # Every setting is checked here, not in every worker (the follower is decided below).
    config = ServerConfig.load(db=db, follow=False)
    settings = config.settings
    following = follow if follow is not None else not settings.is_postgres
    count = workers or default_workers()
    # The follower and the workers build their settings from this environment.
    os.environ["PROPDESK_DB"] = settings.db
    os.environ[FOLLOW_ENV] = "off"  # one follower for all: never in a worker
    os.environ[SERVER_PID_ENV] = str(os.getpid())  # they end with this process
    try:
        check_port(host, port)  # before the follower catches up, which may take a while
        # The database opens, or one line says why before anything starts.
        open_runtime(config).close()
    except (PortInUse, StartFailed) as error:
        say_error(str(error))
        raise typer.Exit(2) from None
    # Webhooks are delivered by the server on SQLite; on PostgreSQL not yet by any.
    replace_this_process(host, port, count, log_level, follow=following, metrics=config.metrics,
                         deliver=not settings.is_postgres)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
