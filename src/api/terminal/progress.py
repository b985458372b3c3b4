"""Progress on standard error while the read models catch up with the event log.

Shared by the command line and `propdesk serve`'s follower process, which prints to the
terminal the server was started from. Standard error, so that JSON and CSV on standard
output stay clean for machines.
"""

from __future__ import annotations

import threading

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from api.terminal.consoles import stderr_console
from projections.follower import Follower

progress_console = stderr_console()


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}", style="progress.description", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        "events",
        TimeRemainingColumn(),
        console=progress_console,
        transient=False,
    )


def catch_up(
    follower: Follower, description: str = "catching up", stop: threading.Event | None = None
) -> int:
    """With a bar while there is anything to catch up with; until `stop` is set, if given."""
    head = follower.head()
    start = follower.store.position()
    if head <= start:
        return 0
    with progress_bar() as bar:
        task = bar.add_task(description, total=head, completed=start)
        return follower.catch_up(lambda done, _head: bar.update(task, completed=done), stop)
