"""Reports and lists as files for spreadsheets: CSV, for the command line and the HTTP API.

A text cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return) is taken
for a formula by spreadsheet programs, so a stored value such as a staff name could run
one when the file is opened. Such cells get a leading `'`, which spreadsheets show as
text. Numbers are written as numbers: a negative count stays a number, not text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: None empty, lists joined with ';', text never a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        value = ";".join(str(v) for v in value)
    return spreadsheet_text(str(value))


def rows_csv(fields: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([csv_cell(row.get(name)) for name in fields])
    return buffer.getvalue()
