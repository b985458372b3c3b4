"""`propdesk community add|list`: the communities (项目 / 小区) of the deployment."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.errors import DbOption, reports_errors
from api.cli.local_times import local_text
from api.cli.output_files import ForceOption, OutputOption, check_output, deliver
from api.config.settings import Settings
from api.report_files.formats import list_file
from api.storage.communities import Community, CommunityError, CommunityExists, open_communities
from api.terminal.consoles import output_console, say_error

console = output_console()
community_app = typer.Typer(
    help="The communities (项目 / 小区) cases belong to.", no_args_is_help=True
)
FIELDS = ("code", "name", "policy", "policy_from", "registered_at")
ADMIN = "command-line"  # who the command line records as having registered one


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def community_row(community: Community, settings: Settings) -> dict[str, Any]:
    return {
        "code": community.code,
        "name": community.name,
        "policy": community.policy_name or settings.policy.name,
        "policy_from": community.policy_from.isoformat() if community.policy_from else None,
        "registered_at": local_text(community.registered_at, settings.timezone),
    }


@community_app.command("add")
@reports_errors
def community_add(
    code: Annotated[str, typer.Argument(help="1-40 lowercase letters, digits and '-'")],
    name: Annotated[str, typer.Option(help="the name people know it by, e.g. 阳光花园")],
    db: DbOption = None,
) -> None:
    """Register a community. Codes are permanent: cases keep theirs. Its cases are judged
    under the deployment's policy (a policy per community is not built yet)."""
    communities = open_communities(Settings.load(db=db))
    try:
        added = communities.register(code, name, by=ADMIN)
    except (CommunityError, CommunityExists) as error:
        say_error(str(error))
        raise typer.Exit(2) from None
    finally:
        communities.close()
    console.print(f"community {added.code!r} ({added.name}) registered")


@community_app.command("list")
@reports_errors
def community_list(
    db: DbOption = None,
    fmt: Annotated[ListFormat, typer.Option("--format")] = ListFormat.table,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Every community: its code, name and service-level policy."""
    check_output(fmt.value, output)
    settings = Settings.load(db=db)
    communities = open_communities(settings)
    try:
        rows = [community_row(c, settings) for c in communities.communities()]
    finally:
        communities.close()
    if fmt is not ListFormat.table:
        deliver(list_file("小区", FIELDS, rows, fmt.value), output, force=force, console=console)
        return
    table = Table(title="communities")
    for heading in ("code", "name 名称", "policy 服务标准", "since 生效", "registered 登记"):
        table.add_column(heading)
    for row in rows:
        table.add_row(
            row["code"], row["name"], row["policy"], row["policy_from"] or "-", row["registered_at"]
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(community_app, name="community")
