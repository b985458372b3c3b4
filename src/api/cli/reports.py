"""Reports in four forms: an aligned table for people, JSON, CSV and xlsx for machines and
spreadsheets (api/report_files/formats.py, shared with the HTTP API)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from api.cli.output_files import deliver
from api.report_files.formats import comparison_file, labelled_rows, report_file
from api.terminal.consoles import text
from projections.replay import Comparison
from projections.report_document import Report


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def report_table(report: Report) -> Table:
    estimated = (
        " (calendar ESTIMATED: dates outside the known holiday data)" if report.estimated else ""
    )
    among = _among(report.communities)
    grouped = f" by {report.group_by}" if report.group_by else ""
    table = Table(
        title=text(
            f"{report.title} report{grouped}: cases{among} received {report.period.start} to "
            f"{report.period.end} (exclusive), as of {report.as_of.isoformat(' ', 'seconds')}"
        ),
        caption=text(
            f"policy {report.policy!r}, effective {report.effective}{estimated}"
            + "".join(
                f"; {v['community']} from {v['from'][:10]}: {v['name']!r} (version {v['version']})"
                for v in report.versions
            )
        ),
    )
    for name in report.fields:
        left = name in ("community", "kind", "priority", "milestone", "staff")
        # Headers are the JSON and CSV field names. Names never break; figures fold
        # rather than being cut, so a narrow terminal still shows everything whole.
        table.add_column(name, justify="left" if left else "right", overflow="fold", no_wrap=left)
    rows = labelled_rows(report)
    for index, row in enumerate(rows):
        following = rows[index + 1] if index + 1 < len(rows) else None
        # A rule under each community's block, so that the blocks read apart.
        last = report.group_by is not None and (
            following is None or following["community"] != row["community"]
        )
        cells = (text(_format(name, row[name])) for name in report.fields)
        table.add_row(*cells, end_section=last)
    return table


def _among(communities: tuple[str, ...] | None) -> str:
    return f" in {', '.join(communities)}" if communities is not None else ""


def _format(name: str, value: Any) -> str:
    if value is None:
        return "-"
    if name in ("attainment", "satisfaction_rate"):
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def print_report(
    report: Report,
    fmt: ReportFormat,
    console: Console,
    output: Path | None = None,
    *,
    force: bool = False,
) -> None:
    if fmt is ReportFormat.table:
        console.print(report_table(report))
    else:
        deliver(report_file(report, fmt.value), output, force=force, console=console)


def print_comparison(
    comparison: Comparison,
    fmt: ReportFormat,
    console: Console,
    output: Path | None = None,
    *,
    force: bool = False,
) -> None:
    if fmt is not ReportFormat.table:
        deliver(comparison_file(comparison, fmt.value), output, force=force, console=console)
        return
    among = _among(comparison.live.communities)
    table = Table(
        title=text(
            f"live {comparison.live.policy!r} vs candidate {comparison.candidate.policy!r}"
            + (f", cases{among}" if among else "")
        )
    )
    for name in ("kind", "priority", "milestone"):
        table.add_column(name, overflow="fold")
    for name in ("met", "breached", "pending", "attainment", "late_stops"):
        table.add_column(f"{name}\nlive → candidate", justify="right", overflow="fold")
    for row in comparison.rows:
        cells = []
        for name in ("met", "breached", "pending", "attainment", "late_stops"):
            old, new = _format(name, row[f"live_{name}"]), _format(name, row[f"candidate_{name}"])
            cells.append(text(old) if old == new else Text(f"{old} → {new}", style="bold yellow"))
        table.add_row(text(row["kind"]), text(row["priority"]), text(row["milestone"]), *cells)
    console.print(table)
    count = len(comparison.differences)
    console.print("no differences" if count == 0 else f"{count} rows differ")
