"""Expected failures end a command with their message and exit code 2, never a traceback.

No message shows the database's password, whichever way the URL was given.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from functools import wraps
from typing import Annotated, ParamSpec, TypeVar

import psycopg
import typer
from eventsourcing.persistence import PersistenceError

from api.cli.output_files import OutputError
from api.config.redaction import redact, redact_url
from api.config.settings import DEFAULT_DB, SettingsError
from api.http.proof_document import NoCheckpointYet
from api.storage.audit_key import AuditKeyError
from api.terminal.consoles import say_error
from api.webhooks.addresses import WebhookError
from projections.audit.notes import NoteError
from projections.layout import PolicyMismatch
from projections.policy import PolicyError
from workflow.errors import DomainError

P = ParamSpec("P")
R = TypeVar("R")

EXPECTED = (
    DomainError,
    SettingsError,
    PolicyError,
    PolicyMismatch,
    OutputError,
    AuditKeyError,
    NoCheckpointYet,
    NoteError,
    WebhookError,
)
# What the storage raises when it cannot be reached or used: eventsourcing's wrappers,
# psycopg's and its pool's, sqlite3's.
STORAGE = (PersistenceError, psycopg.Error, sqlite3.Error)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLite file or postgresql:// URL [env: PROPDESK_DB]"),
]


def unusable(error: Exception, db: object = None) -> str:
    """What a storage error says, naming the database (--db, else PROPDESK_DB, else the
    default) as Settings.load chose it."""
    chosen = db if isinstance(db, str) and db else os.environ.get("PROPDESK_DB") or DEFAULT_DB
    return f"the database {redact_url(chosen)} cannot be used: {type(error).__name__}: {error}"


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except EXPECTED as error:
            message = str(error)
        except STORAGE as error:
            message = unusable(error, kwargs.get("db"))
        say_error(redact(message))
        raise typer.Exit(2)

    return run
