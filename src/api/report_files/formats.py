"""Reports and lists as files, for the command line and the HTTP API alike: JSON, CSV and
Excel (xlsx) with Chinese headers.

A CSV text cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return) is
taken for a formula by spreadsheet programs, so a stored value such as a staff name could
run one when the file is opened. Such cells get a leading `'`, which spreadsheets show as
text. Numbers are written as numbers: a negative count stays a number, not text. In xlsx
every text cell is typed as text, which needs no quote.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from api.report_files.xlsx import MEDIA_TYPE, Sheet, workbook
from projections.replay import COMPARED, Comparison
from projections.report_document import (
    FIRST_CONTACT_COLUMNS,
    GROUP_COLUMNS,
    SLA_COLUMNS,
    Report,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What a grouped report's total rows show in their community column where JSON has null:
# not a code (codes are lowercase ASCII), so no community can be taken for the total.
TOTAL = "全部"
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8", "xlsx": MEDIA_TYPE}

HEADERS = {
    **GROUP_COLUMNS,
    **SLA_COLUMNS,
    **FIRST_CONTACT_COLUMNS,
    "changed": "变化",
    "name": "名称",
    "role": "角色",
    "created_at": "创建时间",
    "revoked_at": "撤销时间",
    "communities": "小区",
    "code": "编码",
    "policy": "服务标准",
    "policy_from": "服务标准生效日",
    "registered_at": "登记时间",
}
HEADERS.update({f"live_{f}": f"现行·{HEADERS[f]}" for f in COMPARED})
HEADERS.update({f"candidate_{f}": f"候选·{HEADERS[f]}" for f in COMPARED})
SHEETS = {"sla": "SLA", "first-contact": "首问负责"}
FORMATS = {
    name: number_format
    for base, number_format in (
        ("attainment", "0.0%"),
        ("satisfaction_rate", "0.0%"),
        ("p50_minutes", "0.0"),
        ("p90_minutes", "0.0"),
    )
    for name in (base, f"live_{base}", f"candidate_{base}")
}


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


def report_file(report: Report, fmt: str) -> str | bytes:
    """The report as `json`, `csv` or `xlsx`: the same rows and fields in each."""
    if fmt == "json":
        return json.dumps(report.document(), ensure_ascii=False, indent=2)
    rows = labelled_rows(report)
    if fmt == "csv":
        return rows_csv(report.fields, rows)
    return workbook(
        Sheet(SHEETS[report.title], report.fields, HEADERS, rows, FORMATS, _about(report))
    )


def labelled_rows(report: Report) -> list[dict[str, Any]]:
    """The rows as a table or a spreadsheet shows them: a grouped report's total named."""
    if report.group_by is None:
        return report.rows
    return [
        row if row["community"] is not None else {**row, "community": TOTAL} for row in report.rows
    ]


def comparison_file(comparison: Comparison, fmt: str) -> str | bytes:
    if fmt == "json":
        return json.dumps(comparison.document(), ensure_ascii=False, indent=2)
    fields = list(comparison.rows[0]) if comparison.rows else ["kind", "priority", "milestone"]
    if fmt == "csv":
        return rows_csv(fields, comparison.rows)
    about = [
        ("候选策略", "candidate_policy", comparison.candidate.policy),
        *_about(comparison.live),
    ]
    return workbook(Sheet("策略对比", fields, HEADERS, comparison.rows, FORMATS, about))


def list_file(
    title: str,
    fields: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    fmt: str,
    headers: Mapping[str, str] = HEADERS,
) -> str | bytes:
    """A list (e.g. the API tokens) as `json`, `csv` or `xlsx` (its columns' Chinese
    headers from `headers`)."""
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=2)
    if fmt == "csv":
        return rows_csv(fields, rows)
    return workbook(Sheet(title, fields, headers, rows))


def file_name(report: Report, fmt: str) -> str:
    grouped = f"-by-{report.group_by}" if report.group_by else ""
    return f"{report.title}{grouped}-{report.period.start}-{report.period.end}.{fmt}"


def _about(report: Report) -> list[tuple[str, str, Any]]:
    document = report.document()
    grouped = [("分组", "group_by", report.group_by)] if report.group_by else []
    return [
        ("报表", "report", document["report"]),
        ("小区", "communities", ", ".join(document["communities"] or ["all 全部"])),
        *grouped,
        ("策略", "policy", document["policy"]["name"]),
        ("生效日期", "effective", document["policy"]["effective"]),
        ("起始日", "from", document["period"]["from"]),
        ("截止日(不含)", "to", document["period"]["to"]),
        ("时区", "timezone", document["period"]["timezone"]),
        ("截至", "as_of", document["as_of"]),
        ("日历为估算", "calendar_estimated", document["calendar_estimated"]),
    ]
