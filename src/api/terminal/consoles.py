"""The command line's consoles: what they print is shown as it is, never read as markup.

Stored values (a staff name, a description, a policy's name) and what a user typed may
look like rich markup (`[/bold]`) or an emoji code (`:thumbs_up:`); rich would interpret
both, and fail on an unmatched closing tag. Styles are given as Text objects instead.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.text import Text


def output_console() -> Console:
    """Standard output: a terminal's own width; piped or redirected, wide enough that a
    table keeps its natural width instead of Rich's 80 columns."""
    return Console(width=None if sys.stdout.isatty() else 200, markup=False, emoji=False)


def stderr_console() -> Console:
    """Standard error: progress, status and errors, so that stdout stays clean for machines."""
    return Console(stderr=True, markup=False, emoji=False)


errors = stderr_console()


def say_error(message: str) -> None:
    errors.print(Text.assemble(("error:", "red"), " ", message), highlight=False, soft_wrap=True)


def text(value: object) -> Text:
    """A table cell or title that rich shows as it is, whatever console prints it."""
    return Text("" if value is None else str(value))
