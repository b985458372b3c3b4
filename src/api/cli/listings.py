"""The lists of who may act: tokens, console accounts and the access log share their
formats, and tokens and accounts share their columns (name, role, communities, when
made, when ended) and their one line each as text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import typer

from api.cli.local_times import local_text
from api.cli.output_files import deliver
from api.report_files.formats import HEADERS, list_file
from api.report_files.xlsx import Sheet, workbook
from api.storage.tokens import Role
from api.terminal.consoles import output_console

console = output_console()
EVERY_COMMUNITY = "*"  # how a list shows a token or account for every community
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


class Holder(Protocol):
    """A token or an account, as its store lists it."""

    @property
    def name(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def communities(self) -> tuple[str, ...] | None: ...
    @property
    def created_at(self) -> str: ...


def holder_rows(
    records: Iterable[Holder], zone: ZoneInfo, ended: str
) -> list[dict[str, str | None]]:
    """Each record's columns; `ended` names the one of when it stopped (revoked_at,
    disabled_at)."""
    return [
        {
            "name": r.name,
            "role": r.role.value,
            "communities": EVERY_COMMUNITY if r.communities is None else " ".join(r.communities),
            "created_at": local_text(r.created_at, zone),
            ended: local_text(getattr(r, ended), zone) or None,
        }
        for r in records
    ]


def show_holders(
    title: str,
    fields: Sequence[str],
    rows: Sequence[Mapping[str, str | None]],
    fmt: ListFormat,
    output: Path | None,
    *,
    force: bool,
    ended_word: str,
) -> None:
    """As a file (or on stdout), or as text: one a line, tab-separated, `active` or
    `{ended_word} {when}` last."""
    if fmt is not ListFormat.text:
        deliver(list_content(title, fields, rows, fmt), output, force=force, console=console)
        return
    ended = fields[-1]
    for row in rows:
        state = f"{ended_word} {row[ended]}" if row[ended] else "active"
        typer.echo(
            f"{row['name']}\t{row['role']}\t{row['communities']}\t{row['created_at']}\t{state}"
        )
