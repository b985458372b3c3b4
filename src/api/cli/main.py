"""The `propdesk` command line."""

from __future__ import annotations

from enum import StrEnum
from importlib.metadata import version
from typing import Annotated

import typer

from api.cli.audit import print_demo_audit
from api.cli.audit import register as register_audit
from api.cli.backup import register as register_backup
from api.cli.case_ids import case_for, named_case
from api.cli.case_view import case_document, case_tables, history_rows, history_table
from api.cli.communities import register as register_communities
from api.cli.demo import print_summary, run_demo
from api.cli.demo_accounts import print_sign_in
from api.cli.demo_notices import print_demo_notices
from api.cli.errors import DbOption, reports_errors
from api.cli.printable import plain, to_json
from api.cli.projection_commands import register as register_projections
from api.cli.read_side import known_moment, print_demo_reports, register
from api.cli.reporters import register as register_reporters
from api.cli.serve import register as register_serve
from api.cli.sla_explain import register as register_sla
from api.cli.tokens import register as register_tokens
from api.cli.users import register as register_users
from api.cli.webhooks import register as register_webhooks
from api.config.settings import Settings
from api.simulation.simulator import Scenario
from api.simulation.sites import MOST, company_contracts, company_sites
from api.storage.case_numbers import open_case_numbers
from api.terminal.consoles import output_console
from api.wiring import open_service, policy_book
from workflow.diagrams import draw, lifecycles_document
from workflow.vocabulary import Kind

app = typer.Typer(
    name="propdesk",
    help="Service requests for property-management customer service (物业客服).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = output_console()


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"propdesk {version('propdesk')}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print propdesk's version and exit.",
        ),
    ] = False,
) -> None:
    """Service requests for property-management customer service (物业客服)."""


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
    case_id: Annotated[str, typer.Argument(help="the case id or its number (工单号)")],
    as_of: Annotated[str | None, typer.Option(help="ISO time: the case as it stood then")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    db: DbOption = None,
) -> None:
    """Show one case, now or as it stood at a moment."""
    settings = Settings.load(db=db)
    zone = settings.timezone
    moment = known_moment(as_of, zone) if as_of else None
    service = open_service(settings)
    case, number = named_case(settings, service, case_id, moment)
    book = policy_book(settings.policy, service)
    document = {"number": number, **case_document(service, case, book, moment)}
    if fmt is OutputFormat.json:
        typer.echo(to_json(plain(document, zone)))
        return
    for table in case_tables(document, zone):
        console.print(table)


@app.command()
@reports_errors
def history(
    case_id: Annotated[str, typer.Argument(help="the case id or its number (工单号)")],
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    db: DbOption = None,
) -> None:
    """Every event of a case: version, type, actor, when it happened and was recorded."""
    settings = Settings.load(db=db)
    zone = settings.timezone
    service = open_service(settings)
    numbers = open_case_numbers(settings)
    try:
        case_id = case_for(case_id, numbers)
    finally:
        numbers.close()
    rows = history_rows(service.history(case_id))
    if fmt is OutputFormat.json:
        typer.echo(to_json(plain(rows, zone)))
        return
    console.print(history_table(case_id, rows, zone))


@app.command()
@reports_errors
def demo(
    households: Annotated[
        int, typer.Option(min=1, max=100_000, help="households, over all the communities")
    ] = 2000,
    communities: Annotated[
        int,
        typer.Option(
            min=1,
            max=MOST,
            help="communities: three are sized 50/30/20 % of the households, any other "
            "number evenly; one is the deployment's `default`",
        ),
    ] = 3,
    days: Annotated[
        int, typer.Option(min=1, max=366, help="days simulated, ending today 00:00 Asia/Shanghai")
    ] = 30,
    seed: Annotated[int, typer.Option(help="the same seed writes the same history")] = 7,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="delete the database file first even if it holds data the demo did not write "
            "(an earlier demo's file is always replaced); never one another process has open",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Simulate a company's communities' requests through the application into an SQLite
    file: a central hotline receives for all of them, each has its own front desk."""
    settings = Settings.load(db=db)
    try:
        sites = company_sites(households, communities)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--communities") from None
    result = run_demo(
        settings,
        Scenario(
            households=households,
            days=days,
            seed=seed,
            communities=sites,
            contracts=company_contracts(sites, days),
        ),
        replace=replace,
        console=console,
    )
    print_summary(console, result, settings.timezone)
    print_demo_reports(settings, result, console)
    print_demo_notices(settings, result, console)
    print_demo_audit(settings, console)
    print_sign_in(console, result.db, result.accounts)


register_projections(app)
register(app)
register_serve(app)
register_tokens(app)
register_backup(app)
register_communities(app)
register_users(app)
register_sla(app)
register_audit(app)
register_reporters(app)
register_webhooks(app)


def main() -> None:
    app()
