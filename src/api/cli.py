"""The `propdesk` command line."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli_backup import register as register_backup
from api.cli_errors import DbOption, reports_errors
from api.cli_http import register as register_http
from api.cli_readside import print_demo_reports, register
from api.demo import print_summary, run_demo
from api.render import case_summary, history_rows, to_json
from api.report_output import output_console
from api.settings import Settings
from api.simulator import Scenario
from api.wiring import open_service
from workflow.diagrams import draw, lifecycles_document
from workflow.vocabulary import Kind

app = typer.Typer(
    name="propdesk",
    help="Service requests for property-management customer service (物业客服).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = output_console()


class DiagramFormat(StrEnum):
    mermaid = "mermaid"
    dot = "dot"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def lifecycle(
    kind: Annotated[Kind | None, typer.Argument(help="repair, complaint or renovation")] = None,
    fmt: Annotated[DiagramFormat, typer.Option("--format")] = DiagramFormat.mermaid,
    docs: Annotated[bool, typer.Option("--docs", help="print docs/lifecycles.md")] = False,
) -> None:
    """Print a kind's state diagram, drawn from its transition table."""
    if docs:
        typer.echo(lifecycles_document(), nl=False)
        return
    if kind is None:
        raise typer.BadParameter("name a kind: repair, complaint or renovation")
    typer.echo(draw(kind, fmt.value), nl=False)


@app.command()
@reports_errors
def show(
    case_id: Annotated[str, typer.Argument(help="the case id")],
    as_of: Annotated[str | None, typer.Option(help="ISO time: the case as it stood then")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    db: DbOption = None,
) -> None:
    """Show one case, now or as it stood at a moment."""
    service = open_service(Settings.load(db=db))
    case = service.as_of(case_id, as_of) if as_of else service.get(case_id)
    summary = case_summary(case)
    if fmt is OutputFormat.json:
        typer.echo(to_json(summary))
        return
    table = Table(show_header=False, title=f"case {case.id}")
    for key, value in summary.items():
        table.add_row(key, "" if value is None else str(value))
    console.print(table)


# late_reason: blank for an event entered on time; a late entry shows why it was late.
HISTORY_COLUMNS = ("version", "type", "actor", "occurred_at", "recorded_at", "late_reason", "data")


@app.command()
@reports_errors
def history(
    case_id: Annotated[str, typer.Argument(help="the case id")],
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    db: DbOption = None,
) -> None:
    """Every event of a case: version, type, actor, when it happened and was recorded."""
    rows = history_rows(open_service(Settings.load(db=db)).history(case_id))
    if fmt is OutputFormat.json:
        typer.echo(to_json(rows))
        return
    table = Table(title=f"history of {case_id}")
    for column in HISTORY_COLUMNS:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(row[c]) for c in HISTORY_COLUMNS))
    console.print(table)


@app.command()
@reports_errors
def demo(
    households: Annotated[
        int, typer.Option(min=1, max=100_000, help="households in the community")
    ] = 2000,
    days: Annotated[
        int, typer.Option(min=1, max=366, help="days simulated, ending today 00:00 Asia/Shanghai")
    ] = 30,
    seed: Annotated[int, typer.Option(help="the same seed writes the same history")] = 7,
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh",
            help="delete the database file first even if it holds data the demo did not write "
            "(an earlier demo's file is always replaced)",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Simulate a community's requests through the application into an SQLite file."""
    settings = Settings.load(db=db)
    result = run_demo(
        settings,
        Scenario(households=households, days=days, seed=seed),
        fresh=fresh,
        console=console,
    )
    print_summary(console, result)
    print_demo_reports(settings, result, console)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value)


register(app)
register_http(app)
register_backup(app)


def main() -> None:
    app()
