"""`propdesk user add|passwd|disable|list`: staff accounts for the web console. Registered
with them: `propdesk access-log`, what those accounts saw (`api.cli.access_log`)."""

from __future__ import annotations

import getpass
import secrets
import sys
from typing import Annotated

import typer

from api.cli.access_log import register as register_access_log
from api.cli.errors import DbOption, reports_errors
from api.cli.listings import ListFormat, holder_rows, show_holders
from api.cli.output_files import ForceOption, OutputOption, check_output
from api.config.settings import Settings
from api.storage.communities import open_communities
from api.storage.tokens import Role, ScopeError, scope_to_issue
from api.storage.users import UserError, open_users
from api.terminal.consoles import output_console, say_error

console = output_console()
user_app = typer.Typer(help="Staff accounts for the web console.", no_args_is_help=True)
USER_FIELDS = ("name", "role", "communities", "created_at", "disabled_at")

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="read the password from standard input (one line) instead of generating one",
    ),
]


def _password(from_stdin: bool) -> tuple[str, bool]:
    """(the password, whether it was generated here and so is to be shown)."""
    if not from_stdin:
        return secrets.token_urlsafe(12), True
    if sys.stdin.isatty():
        return getpass.getpass("password: "), False
    line = sys.stdin.readline()
    if not line:
        raise UserError("no password on standard input: give one line")
    return line.removesuffix("\n").removesuffix("\r"), False


def _refused(error: Exception) -> typer.Exit:
    say_error(str(error))
    return typer.Exit(2)


@user_app.command("add")
@reports_errors
def user_add(
    name: Annotated[str, typer.Argument(help="who logs in: the actor of what they do")],
    role: Annotated[Role, typer.Option(help="what they may do (not channel)")],
    community: Annotated[
        list[str] | None,
        typer.Option(help="a community whose cases they may see and act on (repeatable)"),
    ] = None,
    all_communities: Annotated[
        bool, typer.Option("--all-communities", help="every community, present and future")
    ] = False,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Add an account; its password is generated and printed once, as the last line.
    --password-stdin reads it instead. Only an Argon2id hash of it is stored.
    Where the deployment has more than one community, say which the account may see."""
    settings = Settings.load(db=db)
    registry = open_communities(settings)
    try:
        scope = scope_to_issue(community, all_communities, registry.refresh())
    except ScopeError as error:
        raise _refused(error) from None
    finally:
        registry.close()
    users = open_users(settings)
    try:
        password, generated = _password(password_stdin)
        users.add(name, role, scope, password)
    except UserError as error:
        raise _refused(error) from None
    finally:
        users.close()
    seen = "every community" if scope is None else ", ".join(sorted(scope))
    about = f"account {name!r} ({role.value}, for {seen})"
    if not generated:
        console.print(f"added {about}")
        return
    console.print(f"{about}; its password, shown once (only its hash is stored):")
    typer.echo(password)


@user_app.command("passwd")
@reports_errors
def user_passwd(
    name: Annotated[str, typer.Argument()],
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """A new password, generated and printed once, as the last line (or --password-stdin).
    The account's sessions end: its user logs in again."""
    users = open_users(Settings.load(db=db))
    try:
        password, generated = _password(password_stdin)
        users.set_password(name, password)
    except UserError as error:
        raise _refused(error) from None
    finally:
        users.close()
    if not generated:
        console.print(f"new password for {name!r}; its sessions have ended")
        return
    console.print(f"new password for {name!r}, shown once; its sessions have ended:")
    typer.echo(password)


@user_app.command("disable")
@reports_errors
def user_disable(name: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Disable an account at once: it cannot log in and its sessions end.
    The name may be added again later."""
    users = open_users(Settings.load(db=db))
    try:
        disabled = users.disable(name)
    finally:
        users.close()
    if not disabled:
        say_error(f"no active account named {name!r} to disable")
        raise typer.Exit(2)
    console.print(f"disabled {name!r}; its sessions have ended")


@user_app.command("list")
@reports_errors
def user_list(
    db: DbOption = None,
    fmt: Annotated[
        ListFormat, typer.Option("--format", help="text: one account a line, tab-separated")
    ] = ListFormat.text,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Every account's name, role, communities (* for every one) and dates (no hashes)."""
    check_output(fmt.value, output)
    settings = Settings.load(db=db)
    zone = settings.timezone
    users = open_users(settings)
    try:
        records = users.records()
    finally:
        users.close()
    rows = holder_rows(records, zone, "disabled_at")
    show_holders("账号", USER_FIELDS, rows, fmt, output, force=force, ended_word="disabled")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    register_access_log(app)
