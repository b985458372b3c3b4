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
        bool,
        typer.Option(
            "--follow/--no-follow",
            help="keep the read models current from this command, in a process of its own "
            "(on PostgreSQL, the one `serve` or `projections run` elected among those on the "
            "database follows)",
        ),
    ] = True,
    log_level: Annotated[str, typer.Option(help="uvicorn's log level")] = "info",
) -> None:
    """Serve the HTTP API under uvicorn (docs at /docs, the OpenAPI document at /openapi.json)."""
    # Every setting is checked here, not in every worker (the follower is decided below).
    config = ServerConfig.load(db=db, follow=False)
    settings = config.settings
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
    # On PostgreSQL several servers may share the database: a candidate process stands for
    # the role of follower, and the workers start without waiting for it.
    on_postgres = settings.is_postgres
    replace_this_process(
        host,
        port,
        count,
        log_level,
        follow=follow and not on_postgres,
        metrics=config.metrics,
        # Webhooks: the deliverer runs beside the server on SQLite, and is a role on
        # PostgreSQL, so that one server delivers.
        deliver=not on_postgres,
        stand=(("follower",) * follow + ("deliverer",)) if on_postgres else (),
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
