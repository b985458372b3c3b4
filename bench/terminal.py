"""The console every benchmark prints on, and its progress bars."""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

# Piped or redirected (the suite's log), tables keep a readable width, not Rich's 80.
console = Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160)


def progress(*, unit: str = "") -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )
