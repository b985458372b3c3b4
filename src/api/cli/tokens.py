"""`propdesk token new|revoke|list`: bearer tokens for the HTTP API, each with a role and
the communities it may see."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.errors import DbOption, reports_errors
from api.cli.listings import ListFormat, holder_rows, show_holders
from api.cli.output_files import ForceOption, OutputOption, check_output
from api.config.settings import Settings
from api.storage.communities import open_communities
from api.storage.tokens import Role, ScopeError, TokenError, open_tokens, scope_to_issue
from api.terminal.consoles import output_console, say_error

console = output_console()
TOKEN_FIELDS = ("name", "role", "communities", "created_at", "revoked_at")
token_app = typer.Typer(help="Bearer tokens for the HTTP API.", no_args_is_help=True)


@token_app.command("new")
@reports_errors
def token_new(
    name: Annotated[str, typer.Argument(help="who uses it: the actor of its commands")],
    role: Annotated[Role, typer.Option(help="what it may do")],
    community: Annotated[
        list[str] | None,
        typer.Option(help="a community whose cases it may see and act on (repeatable)"),
    ] = None,
    all_communities: Annotated[
        bool, typer.Option("--all-communities", help="every community, present and future")
    ] = False,
    db: DbOption = None,
) -> None:
    """Create a token; it is printed once, as the last line. Only its hash is stored.
    Where the deployment has more than one community, say which it may see."""
    settings = Settings.load(db=db)
    registry = open_communities(settings)
    try:
        scope = scope_to_issue(community, all_communities, registry.refresh())
    except ScopeError as error:
        say_error(str(error))
        raise typer.Exit(2) from None
    finally:
        registry.close()
    tokens = open_tokens(settings)
    try:
        token = tokens.issue(name, role, scope)
    except TokenError as error:
        say_error(str(error))
        raise typer.Exit(2) from None
    finally:
        tokens.close()
    seen = "every community" if scope is None else ", ".join(sorted(scope))
    console.print(
        f"token {name!r} ({role.value}, for {seen}); shown once, only its hash is stored:"
    )
    typer.echo(token)


@token_app.command("revoke")
@reports_errors
def token_revoke(name: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Revoke a token at once; the name may then be given a new one."""
    tokens = open_tokens(Settings.load(db=db))
    try:
        revoked = tokens.revoke(name)
    finally:
        tokens.close()
    if not revoked:
        say_error(f"no token named {name!r} to revoke")
        raise typer.Exit(2)
    console.print(f"revoked {name!r}")


@token_app.command("list")
@reports_errors
def token_list(
    db: DbOption = None,
    fmt: Annotated[
        ListFormat, typer.Option("--format", help="text: one token a line, tab-separated")
    ] = ListFormat.text,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Every token's name, role, communities (* for every one) and dates (never the token)."""
    check_output(fmt.value, output)
    settings = Settings.load(db=db)
    zone = settings.timezone
    tokens = open_tokens(settings)
    try:
        records = tokens.records()
    finally:
        tokens.close()
    rows = holder_rows(records, zone, "revoked_at")
    show_holders("令牌", TOKEN_FIELDS, rows, fmt, output, force=force, ended_word="revoked")


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")
