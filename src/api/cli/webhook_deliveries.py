"""`propdesk webhook test` and `propdesk webhook deliveries`: try an endpoint now, and
see what was delivered, what is waiting and what was given up."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.errors import DbOption, reports_errors
from api.cli.local_times import local_iso, local_text
from api.cli.output_files import ForceOption, OutputOption, check_output
from api.cli.webhook_files import WebhookFormatOption, WebhookListFormat, write_list
from api.config.settings import Settings
from api.storage.case_numbers import open_case_numbers
from api.terminal.consoles import output_console, say_error
from api.webhooks.addresses import WebhookError
from api.webhooks.deliveries import Delivery
from api.webhooks.delivery_log import deliveries
from api.webhooks.running import send_test
from api.wiring import open_notice_store_for

console = output_console()
FIELDS = (
    "endpoint", "type", "case_number", "case_id", "status", "attempts", "last_status", "last_error",
    "created_at", "last_attempt_at", "next_attempt_at", "delivered_at",
)  # fmt: skip
# On the terminal a case is named once: by its number, or by its id when it has none.
TABLE_FIELDS = ("endpoint", "type", "case", *FIELDS[4:])
_TIMES = ("created_at", "last_attempt_at", "next_attempt_at", "delivered_at")


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
    fmt: WebhookFormatOption = WebhookListFormat.table,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="the newest this many")] = 100,
    output: OutputOption = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """The newest deliveries: endpoint, notice type, case (number and id), status,
    attempts, the last answer or error, and when each was made, last tried, is due again
    and delivered."""
    check_output(fmt.value, output)
    settings = Settings.load(db=db)
    store = open_notice_store_for(settings)
    try:
        found = deliveries(store, status="failed" if failed else None, limit=limit)
    finally:
        store.datastore.close()  # type: ignore[attr-defined]
    case_numbers = open_case_numbers(settings)
    try:
        numbers = case_numbers.numbers_of([d.case_id for d in found])
    finally:
        case_numbers.close()
    zone = settings.timezone
    if fmt is WebhookListFormat.table:
        table = Table(*TABLE_FIELDS, title="webhook deliveries, newest first")
        for d in found:
            row = _row(d, numbers.get(d.case_id))
            row["case"] = row["case_number"] or row["case_id"]
            table.add_row(*(local_text(row[f], zone) if f in _TIMES else _text(row[f])
                            for f in TABLE_FIELDS))  # fmt: skip
        console.print(table)
        return
    rows = [
        {**(row := _row(d, numbers.get(d.case_id))), **{t: local_iso(row[t], zone) for t in _TIMES}}
        for d in found
    ]
    write_list("推送记录", FIELDS, rows, fmt, output, force=force)


def _row(d: Delivery, number: str | None) -> dict[str, Any]:
    return {
        "endpoint": d.endpoint_id,
        "type": d.type,
        "case_number": number,
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
