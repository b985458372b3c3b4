"""`propdesk access-log`: who saw which personal data of which case, and when, as the
console records it (`api.storage.access_log`)."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.errors import DbOption, reports_errors
from api.cli.listings import ListFormat, list_content
from api.cli.local_times import local_iso, local_text
from api.cli.output_files import ForceOption, OutputOption, check_output, deliver
from api.config.settings import Settings
from api.storage.access_log import open_access_log
from api.storage.case_numbers import open_case_numbers
from api.terminal.consoles import output_console
from workflow.case_numbers import NUMBER_PATTERN
from workflow.errors import InvalidInput

console = output_console()
ACCESS_FIELDS = ("at", "who", "role", "case_id", "what")


def _case_id(given: str, settings: Settings) -> str:
    """The id of the case `given` names: its id, or its number (工单号)."""
    if not NUMBER_PATTERN.fullmatch(given.strip().upper()):
        return given
    numbers = open_case_numbers(settings)
    try:
        found = numbers.case_of(given)
    finally:
        numbers.close()
    if found is None:
        raise InvalidInput("case", f"no case has the number {given.strip().upper()}")
    return found


@reports_errors
def access_log(
    case: Annotated[
        str | None, typer.Option("--case", help="one case: its id or number (工单号)")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="one member of staff")] = None,
    limit: Annotated[int, typer.Option(min=1, help="at most this many, the newest")] = 1000,
    db: DbOption = None,
    fmt: Annotated[
        ListFormat, typer.Option("--format", help="text: one access a line, tab-separated")
    ] = ListFormat.text,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Who saw which personal data of which case (a reporter's phone number), newest first."""
    check_output(fmt.value, output)
    settings = Settings.load(db=db)
    zone = settings.timezone
    case_id = None if case is None else _case_id(case, settings)
    log = open_access_log(settings)
    try:
        entries = log.entries(case_id=case_id, who=user, limit=limit)
    finally:
        log.close()
    shown = local_text if fmt is ListFormat.text else local_iso
    rows = [
        {
            "at": shown(e.at, zone),
            "who": e.who,
            "role": e.role,
            "case_id": e.case_id,
            "what": e.what,
        }
        for e in entries
    ]
    if fmt is not ListFormat.text:
        deliver(
            list_content("访问记录", ACCESS_FIELDS, rows, fmt), output, force=force, console=console
        )
        return
    for row in rows:
        typer.echo("\t".join(str(row[field]) for field in ACCESS_FIELDS))


def register(app: typer.Typer) -> None:
    app.command("access-log")(access_log)
