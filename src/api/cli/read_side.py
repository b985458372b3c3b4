"""Command-line entry points of the read side: reports and the what-if replay."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from api.cli.demo import DemoResult
from api.cli.errors import DbOption, reports_errors
from api.cli.output_files import ForceOption, OutputOption, check_output
from api.cli.reports import ReportFormat, print_comparison, print_report
from api.config.settings import Settings
from api.storage.communities import open_communities
from api.terminal.consoles import output_console
from api.terminal.progress import catch_up, progress_console
from api.wiring import open_follower
from projections.asof import Period
from projections.calendar import SHANGHAI
from projections.first_contact import first_contact_report
from projections.policy import Policy, load_policy
from projections.replay import compare
from projections.report_document import Report
from projections.reports import sla_report
from workflow import inputs
from workflow.communities import known_communities

console = output_console()

PolicyOption = Annotated[
    str | None,
    typer.Option("--policy", help="SLA policy TOML file [env: PROPDESK_POLICY; default: shipped]"),
]
FromOption = Annotated[
    str | None, typer.Option("--from", help="first day, YYYY-MM-DD [default: 30 days before --to]")
]
ToOption = Annotated[
    str | None, typer.Option("--to", help="day after the last, YYYY-MM-DD [default: tomorrow]")
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="ISO time: what the system knew then [default: now]")
]
FormatOption = Annotated[ReportFormat, typer.Option("--format")]
CommunityOption = Annotated[
    list[str] | None,
    typer.Option("--community", help="the cases of this community alone; repeatable"),
]


class GroupBy(StrEnum):
    community = "community"


GroupByOption = Annotated[
    GroupBy | None,
    typer.Option(
        "--group-by", help="community: a block of rows per community, then the total of all"
    ),
]
report_app = typer.Typer(help="SLA and first-contact responsibility reports.", no_args_is_help=True)


def _period(start: str | None, end: str | None) -> Period:
    try:
        last = date.fromisoformat(end) if end else datetime.now(SHANGHAI).date() + timedelta(1)
        first = date.fromisoformat(start) if start else last - timedelta(days=30)
        return Period(first, last)
    except ValueError as error:
        raise typer.BadParameter(f"{error}; dates are YYYY-MM-DD and --from < --to") from None


def known_moment(value: str, zone: ZoneInfo) -> datetime:
    """An --as-of time, by the API's rule; without an offset, a time in `zone`."""
    return inputs.known_instant("--as-of", value, now=datetime.now(UTC), zone=zone).astimezone(zone)


def _as_of(value: str | None, zone: ZoneInfo) -> datetime:
    return known_moment(value, zone) if value else datetime.now(zone)


def _report(
    kind: str,
    db: str | None,
    policy: str | None,
    start: str | None,
    end: str | None,
    as_of: str | None,
    communities: list[str] | None = None,
    group_by: GroupBy | None = None,
) -> Report:
    settings = Settings.load(db=db)
    period, moment = _period(start, end), _as_of(as_of, settings.timezone)
    among = _communities(settings, communities)
    follower = open_follower(settings, settings.policy)
    catch_up(follower)
    # A policy given is every community's; otherwise each community's own, by version.
    chosen: Policy = load_policy(policy) if policy else follower.current_policy()
    build = sla_report if kind == "sla" else first_contact_report
    grouping = group_by.value if group_by is not None else None
    return build(follower.store, chosen, period, moment, among, grouping)


def _communities(settings: Settings, given: list[str] | None) -> tuple[str, ...] | None:
    """The registered communities named, each once; InvalidInput names one that is not."""
    if not given:
        return None
    registry = open_communities(settings)
    try:
        return known_communities(given, registry.refresh())
    finally:
        registry.close()


@report_app.command("sla")
@reports_errors
def report_sla(
    db: DbOption = None,
    policy: PolicyOption = None,
    start: FromOption = None,
    end: ToOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = ReportFormat.table,
    output: OutputOption = None,
    force: ForceOption = False,
    community: CommunityOption = None,
    group_by: GroupByOption = None,
) -> None:
    """Milestones met, breached and pending per kind, priority and milestone."""
    check_output(fmt.value, output)
    report = _report("sla", db, policy, start, end, as_of, community, group_by)
    print_report(report, fmt, console, output, force=force)


@report_app.command("first-contact")
@reports_errors
def report_first_contact(
    db: DbOption = None,
    policy: PolicyOption = None,
    start: FromOption = None,
    end: ToOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = ReportFormat.table,
    output: OutputOption = None,
    force: ForceOption = False,
    community: CommunityOption = None,
    group_by: GroupByOption = None,
) -> None:
    """首问负责制: what each staff member first received, owns, closed and handed over."""
    check_output(fmt.value, output)
    report = _report("first-contact", db, policy, start, end, as_of, community, group_by)
    print_report(report, fmt, console, output, force=force)


@reports_errors
def replay(
    policy: Annotated[str, typer.Option("--policy", help="the candidate SLA policy TOML")],
    db: DbOption = None,
    start: FromOption = None,
    end: ToOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = ReportFormat.table,
    output: OutputOption = None,
    force: ForceOption = False,
    community: CommunityOption = None,
) -> None:
    """Evaluate a candidate policy over the history beside the live one; the live read
    models are left untouched."""
    check_output(fmt.value, output)
    settings = Settings.load(db=db)
    period, moment = _period(start, end), _as_of(as_of, settings.timezone)
    candidate = load_policy(policy)
    among = _communities(settings, community)
    follower = open_follower(settings, settings.policy)
    catch_up(follower)
    with progress_console.status("evaluating the live and the candidate policy"):
        live = sla_report(follower.store, follower.current_policy(), period, moment, among)
        tried = sla_report(follower.store, candidate, period, moment, among)
    print_comparison(compare(live, tried), fmt, console, output, force=force)


def print_demo_reports(settings: Settings, result: DemoResult, out: Console) -> None:
    """The demo ends with both reports over the simulated period."""
    follower = open_follower(settings, settings.policy)
    catch_up(follower, "building the read models")
    period = Period(
        result.start.astimezone(SHANGHAI).date(), result.end.astimezone(SHANGHAI).date()
    )
    moment = datetime.now(settings.timezone)
    # A company of several communities sees each one's figures, then the company's.
    grouped = "community" if result.scenario.communities else None
    for build in (sla_report, first_contact_report):
        report = build(follower.store, follower.current_policy(), period, moment, None, grouped)
        print_report(report, ReportFormat.table, out)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
    app.command("replay")(replay)
