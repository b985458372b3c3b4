"""Excel workbooks (xlsx) for reports and lists, written with openpyxl.

The data sheet has one header row, in Chinese, so that the sheet stays a plain table for
people and for programs alike; a second sheet, 字段, gives each column's machine name (the
JSON and CSV field), and a third, 说明, what the data is (a report's policy, period, as-of).
Text is always written as text: a value beginning with = is shown, never run as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Sheet:
    title: str  # the data sheet's name
    fields: Sequence[str]  # machine names, in column order
    headers: Mapping[str, str]  # field -> its Chinese header
    rows: Sequence[Mapping[str, Any]]
    formats: Mapping[str, str] = field(default_factory=dict)  # field -> Excel number format
    about: Sequence[tuple[str, str, Any]] = ()  # (Chinese name, machine name, value)


def workbook(sheet: Sheet) -> bytes:
    # Imported on first use: every server process imports this module, few write a workbook,
    # and openpyxl costs each process that imports it memory (docs/benchmarks.md).
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    data = book.create_sheet(sheet.title, 0)
    book.remove(book.worksheets[1])  # the sheet a new workbook comes with
    _table(data, [sheet.headers[f] for f in sheet.fields], _values(sheet))
    for column, name in enumerate(sheet.fields, start=1):
        number_format = sheet.formats.get(name)
        if number_format:
            for (cell,) in data.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.number_format = number_format
    columns = [
        [get_column_letter(n), sheet.headers[f], f] for n, f in enumerate(sheet.fields, start=1)
    ]
    _table(book.create_sheet("字段"), ["列", "表头", "字段"], columns)
    if sheet.about:
        _table(book.create_sheet("说明"), ["项目", "字段", "值"], [list(a) for a in sheet.about])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _values(sheet: Sheet) -> list[list[Any]]:
    return [[_cell(row.get(name)) for name in sheet.fields] for row in sheet.rows]


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _table(sheet: Worksheet, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.utils import get_column_letter

    sheet.append(header)
    for values in rows:
        sheet.append(values)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl takes text beginning with = for a formula
    sheet.freeze_panes = "A2"
    for column, shown in enumerate(zip(header, *rows, strict=True), start=1):
        width = max(_width(v) for v in shown)
        sheet.column_dimensions[get_column_letter(column)].width = min(60, width + 2)


def _width(value: Any) -> int:
    """Columns a value needs: Chinese characters take two."""
    shown = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in shown)
