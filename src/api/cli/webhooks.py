"""`propdesk webhook add|list|remove`: the endpoints notices are posted to. Refusals
(WebhookError) end with their message and exit status 2, through `reports_errors`."""

from __future__ import annotations

import getpass
import sys
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.errors import DbOption, reports_errors
from api.cli.local_times import local_text
from api.cli.output_files import ForceOption, OutputOption, check_output
from api.cli.printable import plain
from api.cli.webhook_deliveries import add_delivery_commands
from api.cli.webhook_files import WebhookFormatOption, WebhookListFormat, write_list
from api.config.settings import Settings
from api.storage.communities import open_communities
from api.terminal.consoles import output_console, text
from api.webhooks.addresses import WebhookError
from api.webhooks.endpoints import Endpoint, add_endpoint, endpoints, remove_endpoint
from api.webhooks.stores import notice_store
from projections.notices.kinds import NOTICE_TYPES

console = output_console()
webhook_app = typer.Typer(
    help="Webhooks (推送): endpoints that notices are posted to.", no_args_is_help=True
)


class Format(StrEnum):
    json = "json"
    wecom = "wecom"
    dingtalk = "dingtalk"


def added_by() -> str:
    """Who ran the command, as the operating system names them."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment nor the password file
        return "cli"


def _robot_secret(given: str | None, from_stdin: bool) -> str | None:
    if from_stdin and given is not None:
        raise WebhookError(
            "give the robot secret one way: --robot-secret or --robot-secret-stdin, not both"
        )
    if not from_stdin:
        return given
    if sys.stdin.isatty():
        return getpass.getpass("robot secret: ")
    line = sys.stdin.readline()
    if not line:
        raise WebhookError("no robot secret on standard input: give one line")
    return line.removesuffix("\n").removesuffix("\r")


@webhook_app.command("add")
@reports_errors
def webhook_add(
    url: Annotated[str, typer.Argument(help="http(s) URL the notices are posted to")],
    event: Annotated[
        list[str],
        typer.Option(help=f"a notice type it receives (repeatable): {', '.join(NOTICE_TYPES)}"),
    ],
    community: Annotated[
        list[str] | None,
        typer.Option(help="only this community's notices (repeatable); default: every one"),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", help="json (signed), wecom or dingtalk robots")
    ] = Format.json,
    robot_secret: Annotated[
        str | None,
        typer.Option(
            help="a DingTalk robot's signing secret (SEC...); prefer --robot-secret-stdin: an "
            "option stays in the shell's history",
        ),
    ] = None,
    robot_secret_stdin: Annotated[
        bool,
        typer.Option(
            "--robot-secret-stdin",
            help="read the robot secret from standard input (asked for, unechoed, on a terminal)",
        ),
    ] = False,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", help="allow a private, loopback or link-local address (an intranet)"
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Add an endpoint. Its id and signing secret are printed once, the secret as the last
    line: it will not be shown again."""
    settings = Settings.load(db=db)
    secret = _robot_secret(robot_secret, robot_secret_stdin)
    registry = open_communities(settings)
    try:
        known = registry.refresh()
    finally:
        registry.close()
    with notice_store(settings) as store:
        added = add_endpoint(
            store,
            url,
            event,
            fmt=fmt.value,
            communities=community or (),
            robot_secret=secret,
            allow_private=allow_private,
            known_communities=known,
            by=added_by(),
            now=datetime.now(UTC),
        )
    where = ", ".join(added.communities) or "every community"
    events = ", ".join(added.events)
    console.print(
        text(
            f"webhook {added.id} added: {added.redacted_url()} ({added.format}; {events}; {where})"
        )
    )
    console.print("its signing secret, shown once: it will not be shown again")
    typer.echo(added.secret)


@webhook_app.command("list")
@reports_errors
def webhook_list(
    fmt: WebhookFormatOption = WebhookListFormat.table,
    output: OutputOption = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Every endpoint: its id, URL (its query and any password hidden), format, notice
    types, communities and whether it is active. Never a secret."""
    check_output(fmt.value, output)
    settings = Settings.load(db=db)
    with notice_store(settings) as store:
        found = endpoints(store)
    if fmt is not WebhookListFormat.table:
        rows = [plain(shown(e), settings.timezone) for e in found]
        write_list("推送地址", LIST_FIELDS, rows, fmt, output, force=force)
        return
    table = Table(title="webhooks 推送")
    for heading in ("id", "url", "format", "events", "communities", "status", "added"):
        table.add_column(heading)
    for e in found:
        status = "active" if e.active else f"disabled: {e.disabled_reason}"
        table.add_row(
            *map(
                text,
                (
                    e.id,
                    e.redacted_url(),
                    e.format,
                    "\n".join(e.events),
                    ", ".join(e.communities) or "*",
                    status,
                    f"{local_text(e.created_at, settings.timezone)} by {e.created_by}",
                ),
            )
        )
    console.print(table)


LIST_FIELDS = (
    "id", "url", "format", "events", "communities", "has_robot_secret", "allow_private",
    "active", "disabled_at", "disabled_reason", "created_at", "created_by",
)  # fmt: skip


def shown(e: Endpoint) -> dict[str, Any]:
    """What a listing shows of an endpoint: no secret, the URL redacted."""
    return {
        "id": e.id,
        "url": e.redacted_url(),
        "format": e.format,
        "events": list(e.events),
        "communities": list(e.communities),
        "has_robot_secret": e.robot_secret is not None,
        "allow_private": e.allow_private,
        "active": e.active,
        "disabled_at": e.disabled_at,
        "disabled_reason": e.disabled_reason,
        "created_at": e.created_at,
        "created_by": e.created_by,
    }


@webhook_app.command("remove")
@reports_errors
def webhook_remove(
    endpoint_id: Annotated[str, typer.Argument(metavar="ID", help="the endpoint's id (ep_...)")],
    db: DbOption = None,
) -> None:
    """Remove an endpoint. Its deliveries stay in the log; those still pending fail."""
    with notice_store(Settings.load(db=db)) as store:
        removed = remove_endpoint(store, endpoint_id)
    console.print(text(f"webhook {removed.id} removed ({removed.redacted_url()})"))


def register(app: typer.Typer) -> None:
    add_delivery_commands(webhook_app)  # test, deliveries
    app.add_typer(webhook_app, name="webhook")
