"""`propdesk access-log`: who saw which personal data of which case, and when, as the
console records it (`api.storage.access_log`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any

import typer

from api.cli.errors import DbOption, reports_errors
from api.cli.local_times import local_iso, local_text
from api.cli.output_files import ForceOption, OutputOption, check_output, deliver
from api.config.settings import Settings
from api.report_files.formats import HEADERS, list_file
from api.report_files.xlsx import Sheet, workbook
from api.storage.access_log import open_access_log
from api.storage.case_numbers import open_case_numbers
from api.terminal.consoles import output_console
from workflow.case_numbers import NUMBER_PATTERN
from workflow.errors import InvalidInput

console = output_console()
ACCESS_FIELDS = ("at", "who", "role", "case_id", "what")
# Headers of the spreadsheets' columns the reports and token lists do not have.
OWN_HEADERS = {
    "disabled_at": "停用时间",
    "at": "时间",
    "who": "员工",
    "case_id": "工单",
    "what": "查看内容",
}


class ListFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def list_content(
    title: str, fields: Sequence[str], rows: Sequence[Mapping[str, Any]], fmt: ListFormat
) -> str | bytes:
    """A list as json, csv or xlsx (with the Chinese headers of these lists' own columns)."""
    if fmt is ListFormat.xlsx:
        return workbook(Sheet(title, fields, {**HEADERS, **OWN_HEADERS}, rows))
    return list_file(title, fields, rows, fmt.value)


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
