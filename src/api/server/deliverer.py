"""`propdesk serve`'s webhook deliverer, in a process of its own beside the follower.

It waits on receivers, not on the CPU, but a process of its own keeps its threads and
their sockets out of the workers' interpreters, and lets it end with the server like the
follower does. It is started on SQLite; on PostgreSQL, where several servers may share
the database, the process elected to the deliverer's role runs it (`role_jobs`).
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
