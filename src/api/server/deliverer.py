"""`propdesk serve --no-follow`'s webhook deliverer on SQLite, in a process of its own.

A server that follows delivers from its follower's process (`follower.py`); one that does
not still delivers, from this process, which keeps the deliverer's threads and sockets out
of the workers' interpreters and ends with the server like the follower does. On
PostgreSQL, where several servers may share the database, the process elected to the
deliverer's role delivers (`role_jobs`).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from multiprocessing.context import SpawnProcess

from api.server.parent_watch import end_with_parent


def start_deliverer() -> SpawnProcess:
    """Start the deliverer (settings from this process's environment); it does not wait
    for anything, so neither does this."""
    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=_deliver, args=(os.getpid(),), name="propdesk-webhooks", daemon=True
    )
    process.start()
    return process


def _deliver(server: int) -> None:
    from api.config.settings import Settings
    from api.webhooks.running import run_deliverer

    settings = Settings.load()  # checked by `propdesk serve` before it started this
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    end_with_parent(server, stop.set)
    run_deliverer(settings, stop)
