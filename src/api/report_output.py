"""Reports in three forms: an aligned table for people, JSON and CSV for machines."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table

from projections.replay import Comparison
from projections.reports import Report


def output_console() -> Console:
    """Standard output: a terminal's own width; piped or redirected, wide enough that a
    table keeps its natural width instead of Rich's 80 columns."""
    return Console(width=None if sys.stdout.isatty() else 200)


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def report_table(report: Report) -> Table:
    estimated = (
        " (calendar ESTIMATED: dates outside the known holiday data)" if report.estimated else ""
    )
    table = Table(
        title=f"{report.title} report: cases received {report.period.start} to "
        f"{report.period.end} (exclusive), as of {report.as_of:%Y-%m-%d %H:%M %Z}",
        caption=f"policy {report.policy!r}, effective {report.effective}{estimated}",
    )
    for name in report.fields:
        left = name in ("kind", "priority", "milestone", "staff")
        # Headers are the JSON and CSV field names. Names never break; figures fold
        # rather than being cut, so a narrow terminal still shows everything whole.
        table.add_column(name, justify="left" if left else "right", overflow="fold", no_wrap=left)
    for row in report.rows:
        table.add_row(*(_format(name, row[name]) for name in report.fields))
    return table


def _format(name: str, value: Any) -> str:
    if value is None:
        return "-"
    if name in ("attainment", "satisfaction_rate"):
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def report_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(report.fields), lineterminator="\n")
    writer.writeheader()
    for row in report.rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


def print_report(report: Report, fmt: ReportFormat, console: Console) -> None:
    if fmt is ReportFormat.json:
        console.out(json.dumps(report.document(), ensure_ascii=False, indent=2), highlight=False)
    elif fmt is ReportFormat.csv:
        console.out(report_csv(report), end="", highlight=False)
    else:
        console.print(report_table(report))


def print_comparison(comparison: Comparison, fmt: ReportFormat, console: Console) -> None:
    if fmt is ReportFormat.json:
        console.out(
            json.dumps(comparison.document(), ensure_ascii=False, indent=2), highlight=False
        )
        return
    if fmt is ReportFormat.csv:
        fields = list(comparison.rows[0]) if comparison.rows else ["kind"]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in comparison.rows:
            writer.writerow(
                {
                    k: ";".join(v) if isinstance(v, list) else ("" if v is None else v)
                    for k, v in row.items()
                }
            )
        console.out(buffer.getvalue(), end="", highlight=False)
        return
    table = Table(
        title=f"live {comparison.live.policy!r} vs candidate {comparison.candidate.policy!r}"
    )
    for name in ("kind", "priority", "milestone"):
        table.add_column(name, overflow="fold")
    for name in ("met", "breached", "pending", "attainment", "late_stops"):
        table.add_column(f"{name}\nlive → candidate", justify="right", overflow="fold")
    for row in comparison.rows:
        cells = []
        for name in ("met", "breached", "pending", "attainment", "late_stops"):
            old, new = _format(name, row[f"live_{name}"]), _format(name, row[f"candidate_{name}"])
            cells.append(old if old == new else f"[bold yellow]{old} → {new}[/]")
        table.add_row(row["kind"], row["priority"], row["milestone"], *cells)
    console.print(table)
    count = len(comparison.differences)
    console.print("no differences" if count == 0 else f"{count} rows differ")
