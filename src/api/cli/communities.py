"""`propdesk community add|set-policy|list`: the communities (项目 / 小区) of the
deployment, each with its service-level policy from a day on."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
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
from projections.calendar import SHANGHAI
from projections.community_policy import check_starting, community_policy
from projections.policy import Policy, PolicyError

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
    policy: Annotated[
        Path | None,
        typer.Option(help="its own SLA policy (TOML), from today; default: the deployment's"),
    ] = None,
    db: DbOption = None,
) -> None:
    """Register a community. Codes are permanent: cases keep theirs."""
    settings = Settings.load(db=db)
    own = _policy_of(policy, settings) if policy else None  # checked before anything is written
    communities = open_communities(settings)
    try:
        added = communities.register(code, name, by=ADMIN)
        if own is not None and policy is not None:
            now = datetime.now(UTC)
            text = policy.read_text(encoding="utf-8")
            day = now.astimezone(SHANGHAI).date()
            added = communities.set_policy(added.code, own, text, day, by=ADMIN, at=now)
    except (CommunityError, CommunityExists) as error:
        say_error(str(error))
        raise typer.Exit(2) from None
    finally:
        communities.close()
    console.print(f"community {added.code!r} ({added.name}) registered")


@community_app.command("set-policy")
@reports_errors
def community_set_policy(
    code: Annotated[str, typer.Argument(help="the community")],
    policy: Annotated[Path, typer.Argument(help="its SLA policy file (TOML), without [calendar]")],
    starting: Annotated[
        str, typer.Option("--from", help="YYYY-MM-DD (Asia/Shanghai): today or later")
    ],
    db: DbOption = None,
) -> None:
    """Judge the community's milestones that start from that day on under POLICY. Those
    that started before keep the policy in force when they started: nothing is re-scored."""
    settings = Settings.load(db=db)
    own = _policy_of(policy, settings)
    now = datetime.now(UTC)
    try:
        day = date.fromisoformat(starting)
        check_starting(day, now.astimezone(SHANGHAI).date())
    except ValueError as error:  # PolicyError is one
        raise typer.BadParameter(str(error), param_hint="--from") from None
    communities = open_communities(settings)
    try:
        text = policy.read_text(encoding="utf-8")
        changed = communities.set_policy(code, own, text, day, by=ADMIN, at=now)
    except CommunityError as error:
        say_error(str(error))
        raise typer.Exit(2) from None
    finally:
        communities.close()
    console.print(
        f"community {changed.code!r}: milestones starting from {day} on are judged under "
        f"{own.name!r} (version {changed.version})"
    )


def _policy_of(path: Path, settings: Settings) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
        return community_policy(text, str(path), settings.policy)
    except (OSError, UnicodeDecodeError) as error:
        raise typer.BadParameter(f"{path}: {error}", param_hint="POLICY") from None
    except PolicyError as error:
        raise typer.BadParameter(str(error), param_hint="POLICY") from None


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
