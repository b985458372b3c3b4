"""Expected failures end a command with their message and exit code 2, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Annotated, ParamSpec, TypeVar

import typer

from api.consoles import say_error
from api.settings import SettingsError
from projections.follower import PolicyMismatch
from projections.policy import PolicyError
from workflow.errors import DomainError

P = ParamSpec("P")
R = TypeVar("R")

EXPECTED = (DomainError, SettingsError, PolicyError, PolicyMismatch)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLite file or postgresql:// URL [env: PROPDESK_DB]"),
]


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except EXPECTED as error:
            say_error(str(error))
            raise typer.Exit(2) from None

    return run
