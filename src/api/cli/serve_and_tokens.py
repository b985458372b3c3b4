"""Command-line entry points of the HTTP API: `propdesk serve` and `propdesk token ...`."""

from __future__ import annotations

import os
from contextlib import ExitStack
from enum import StrEnum
from typing import Annotated

import typer

from api.cli.errors import DbOption, reports_errors
from api.cli.local_times import local_text
from api.cli.output_files import ForceOption, OutputOption, check_output, deliver
from api.config.server import FOLLOW_ENV, SERVER_PID_ENV, ServerConfig
from api.config.settings import Settings
from api.http.metrics_server import metrics_for_serve
from api.http.startup import StartFailed, open_runtime
from api.report_files.formats import list_file
from api.server.follower import FollowerFailed, start_follower, stop_follower
from api.server.workers import PortInUse, check_port, run_server, run_workers
from api.storage.tokens import Role, TokenError, open_tokens
from api.terminal.consoles import output_console, say_error

console = output_console()
TOKEN_FIELDS = ("name", "role", "created_at", "revoked_at")
token_app = typer.Typer(help="Bearer tokens for the HTTP API.", no_args_is_help=True)


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
    with ExitStack() as serving:
        try:
            check_port(host, port)  # before the follower catches up, which may take a while
            # The database opens (or one line says why, before anything starts); a metrics
            # address reads the log's positions through this runtime while serving.
            runtime = open_runtime(config)
            if config.metrics_address is None:
                runtime.close()
            else:
                serving.callback(runtime.close)
            serving.enter_context(metrics_for_serve(config, runtime))
            follower = start_follower() if following else None
        except (PortInUse, StartFailed, FollowerFailed) as error:
            say_error(str(error))
            raise typer.Exit(2) from None
        try:
            if count == 1:
                status = 2 if run_server(host, port, log_level) else 0
            else:
                status = run_workers(host, port, count, log_level)
        finally:
            if follower is not None:
                stop_follower(follower)
    if status:
        say_error("the server could not start; its error is above")
        raise typer.Exit(status)


@token_app.command("new")
@reports_errors
def token_new(
    name: Annotated[str, typer.Argument(help="who uses it: the actor of its commands")],
    role: Annotated[Role, typer.Option(help="what it may do")],
    db: DbOption = None,
) -> None:
    """Create a token; it is printed once, as the last line. Only its hash is stored."""
    tokens = open_tokens(Settings.load(db=db))
    try:
        token = tokens.issue(name, role)
    except TokenError as error:
        say_error(str(error))
        raise typer.Exit(2) from None
    finally:
        tokens.close()
    console.print(f"token {name!r} ({role.value}); shown once, only its hash is stored:")
    typer.echo(token)


@token_app.command("revoke")
@reports_errors
def token_revoke(name: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Revoke a token at once; the name may then be given a new one."""
    tokens = open_tokens(Settings.load(db=db))
    try:
        revoked = tokens.revoke(name)
    finally:
        tokens.close()
    if not revoked:
        say_error(f"no token named {name!r} to revoke")
        raise typer.Exit(2)
    console.print(f"revoked {name!r}")


class ListFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


@token_app.command("list")
@reports_errors
def token_list(
    db: DbOption = None,
    fmt: Annotated[
        ListFormat, typer.Option("--format", help="text: one token a line, tab-separated")
    ] = ListFormat.text,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Every token's name, role and dates (never the token)."""
    check_output(fmt.value, output)
    settings = Settings.load(db=db)
    zone = settings.timezone
    tokens = open_tokens(settings)
    try:
        records = tokens.records()
    finally:
        tokens.close()
    rows = [
        {
            "name": r.name,
            "role": r.role.value,
            "created_at": local_text(r.created_at, zone),
            "revoked_at": local_text(r.revoked_at, zone) or None,
        }
        for r in records
    ]
    if fmt is not ListFormat.text:
        content = list_file("令牌", TOKEN_FIELDS, rows, fmt.value)
        deliver(content, output, force=force, console=console)
        return
    for row in rows:
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
        typer.echo(f"{row['name']}\t{row['role']}\t{row['created_at']}\t{state}")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(token_app, name="token")
