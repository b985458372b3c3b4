"""`propdesk serve`'s read-model follower, in a process of its own.

In a thread of a server process the follower would take its turns at that process's
interpreter lock from the requests; in a process of its own it runs on another CPU.
It catches up before the server starts serving (so the first request reads current
read models), stops on SIGTERM or SIGINT, and stops by itself when the server that
started it is gone, even after a SIGKILL.

The supervisor that starts it imports this module, so what the follower itself needs
is imported in the follower's process alone.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from multiprocessing.context import SpawnProcess
from multiprocessing.synchronize import Event

from api.server.garbage_collector import settle_after_start
from api.server.parent_watch import end_with_parent

POLL_SECONDS = 0.05


class FollowerFailed(RuntimeError):
    """The follower process ended before it had caught up."""


def start_follower() -> SpawnProcess:
    """Start the follower (settings from this process's environment) and wait until it has
    caught up with the log."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited locks
    ready = context.Event()
    process = context.Process(
        target=_follow, args=(ready, os.getpid()), name="propdesk-follower", daemon=True
    )
    process.start()
    while not ready.wait(0.2):
        if not process.is_alive():
            raise FollowerFailed(
                f"the read-model follower exited with status {process.exitcode} before it "
                "caught up; its error is above"
            )
    return process


def stop_follower(process: SpawnProcess) -> None:
    if process.is_alive():
        process.terminate()
    process.join(timeout=30)
    if process.is_alive():
        process.kill()
        process.join()


def _follow(ready: Event, server: int) -> None:
    from api.config.settings import Settings, SettingsError
    from api.http.startup import STORAGE_ERRORS, cannot_open
    from api.retention import retention_for
    from api.terminal.consoles import say_error
    from api.terminal.progress import catch_up
    from api.wiring import open_follower
    from projections.layout import PolicyMismatch
    from projections.policy import PolicyError
    from workflow.errors import DomainError

    settings = Settings.load()  # checked by `propdesk serve` before it started this
    try:
        follower = open_follower(settings, settings.policy, audit=True)
    # what opening the read models refuses with a message for the operator, e.g. read
    # models built under another SLA policy
    except (DomainError, SettingsError, PolicyError, PolicyMismatch) as error:
        say_error(str(error))
        raise SystemExit(2) from None
    except STORAGE_ERRORS as error:
        say_error(cannot_open(settings, error))
        raise SystemExit(2) from None
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        catch_up(follower, "catching up the read models")
        settle_after_start()
        ready.set()
        end_with_parent(server, stop.set)
        follower.run(stop, poll_seconds=POLL_SECONDS, after_round=retention_for(settings, follower))
    finally:
        datastore = getattr(follower.store, "datastore", None)  # both stores have one
        if datastore is not None:
            datastore.close()
        follower.app.close()
