"""Where the command line's JSON, CSV and xlsx go: standard output, or a file of their own.

A file is created readable by its owner only (reports name staff; lists name tokens) and
never replaces an existing one without --force. xlsx is a binary file: it is only ever
written to a file, never to a terminal or a pipe by accident.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.terminal.consoles import stderr_console

OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="write json, csv or xlsx to this file (created readable by you only); "
        "required for xlsx",
        dir_okay=False,
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="replace the --output file if it exists")
]


XLSX_NEEDS_A_FILE = "--format xlsx needs --output FILE: a spreadsheet is written to a file"


class OutputError(Exception):
    """The output cannot be written where it was asked to go; the message says why."""


def check_output(fmt: str, output: Path | None) -> None:
    """Before any work: a table only on the terminal, a spreadsheet only in a file."""
    if fmt in ("table", "text") and output is not None:
        raise OutputError(f"--output writes json, csv or xlsx; the {fmt} is for the terminal")
    if fmt == "xlsx" and output is None:
        raise OutputError(XLSX_NEEDS_A_FILE)


def deliver(content: str | bytes, output: Path | None, *, force: bool, console: Console) -> None:
    if output is None:
        if isinstance(content, bytes):
            raise OutputError(XLSX_NEEDS_A_FILE)
        console.out(content, end="" if content.endswith("\n") else "\n", highlight=False)
        return
    data = content.encode() if isinstance(content, str) else content
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        descriptor = os.open(output, flags, 0o600)
    except FileExistsError:
        raise OutputError(f"{output} exists; pass --force to replace it") from None
    except OSError as error:
        raise OutputError(f"cannot write {output}: {error.strerror}") from None
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(descriptor, 0o600)  # a replaced file keeps its mode otherwise
        file.write(data)
    stderr_console().print(f"wrote {output}", highlight=False, soft_wrap=True)
