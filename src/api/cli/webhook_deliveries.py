"""`propdesk webhook test` and `propdesk webhook deliveries`: try an endpoint now, and
see what was delivered, what is waiting and what was given up."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.errors import DbOption, reports_errors
from api.cli.local_times import local_iso, local_text
from api.config.settings import Settings
from api.report_files.formats import rows_csv
from api.terminal.consoles import output_console, say_error
from api.webhooks.addresses import WebhookError
from api.webhooks.deliveries import Delivery
from api.webhooks.delivery_log import deliveries
from api.webhooks.running import send_test
from api.wiring import open_notice_store_for

console = output_console()
FIELDS = (
    "endpoint", "type", "case_id", "status", "attempts", "last_status", "last_error",
    "created_at", "last_attempt_at", "next_attempt_at", "delivered_at",
)  # fmt: skip
_TIMES = ("created_at", "last_attempt_at", "next_attempt_at", "delivered_at")


class DeliveryFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@reports_errors
def webhook_test(
    endpoint_id: Annotated[str, typer.Argument(help="the endpoint's id (ep_...)")],
    db: DbOption = None,
) -> None:
    """Send the endpoint a test message now (type webhook.test, about a made-up case) and
    print its answer. Nothing is recorded; exits 1 when the endpoint did not take it."""
    settings = Settings.load(db=db)
    store = open_notice_store_for(settings)
    try:
        status, error = send_test(store, endpoint_id, zone=settings.timezone,
                                  public_url=settings.public_url)  # fmt: skip
    except WebhookError as refused:
        say_error(str(refused))
        raise typer.Exit(2) from None
    finally:
        store.datastore.close()  # type: ignore[attr-defined]  # both stores have one
    answered = f"answered HTTP {status}" if status is not None else "did not answer"
    if error is None:
        console.print(f"{endpoint_id} {answered}: delivered")
        return
    say_error(f"{endpoint_id} {answered}: {error}")
    raise typer.Exit(1)


@reports_errors
def webhook_deliveries(
    failed: Annotated[bool, typer.Option("--failed", help="only those given up")] = False,
    fmt: Annotated[DeliveryFormat, typer.Option("--format")] = DeliveryFormat.table,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="the newest this many")] = 100,
    db: DbOption = None,
) -> None:
    """The newest deliveries: endpoint, notice type, case, status, attempts, the last
    answer or error, and when each was made, last tried, is due again and delivered."""
    settings = Settings.load(db=db)
    store = open_notice_store_for(settings)
    try:
        found = deliveries(store, status="failed" if failed else None, limit=limit)
    finally:
        store.datastore.close()  # type: ignore[attr-defined]
    zone = settings.timezone
    if fmt is DeliveryFormat.table:
        table = Table(*FIELDS, title="webhook deliveries, newest first")
        for d in found:
            row = _row(d)
            table.add_row(*(local_text(row[f], zone) if f in _TIMES else _text(row[f])
                            for f in FIELDS))  # fmt: skip
        console.print(table)
        return
    rows = [{**(row := _row(d)), **{t: local_iso(row[t], zone) for t in _TIMES}} for d in found]
    if fmt is DeliveryFormat.csv:
        typer.echo(rows_csv(FIELDS, rows), nl=False)
        return
    typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))


def _row(d: Delivery) -> dict[str, Any]:
    return {
        "endpoint": d.endpoint_id,
        "type": d.type,
        "case_id": d.case_id,
        "status": d.status,
        "attempts": d.attempts,
        "last_status": d.last_status,
        "last_error": d.last_error,
        "created_at": d.created_at,
        "last_attempt_at": d.last_attempt_at,
        "next_attempt_at": d.next_attempt_at,
        "delivered_at": d.delivered_at,
    }


def _text(value: object) -> str:
    return "" if value is None else str(value)


def add_delivery_commands(group: typer.Typer) -> None:
    group.command("test")(webhook_test)
    group.command("deliveries")(webhook_deliveries)
