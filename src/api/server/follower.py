"""`propdesk serve`'s read-model follower on SQLite, in a process of its own, with the
webhooks' deliverer beside it; and what it runs, which the follower's role runs on
PostgreSQL too (`role_jobs.py`).

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
from typing import TYPE_CHECKING

from api.server.garbage_collector import settle_after_start
from api.server.parent_watch import end_with_parent

if TYPE_CHECKING:  # the supervisor imports this module: no storage there
    from api.config.settings import Settings
    from projections.follower import Follower

POLL_SECONDS = 0.05
DELIVERIES_STOP_SECONDS = 15.0  # an attempt under way ends within its 10 s cap


class FollowerFailed(RuntimeError):
    """The follower process ended before it had caught up."""


def start_follower(*, deliver: bool = False) -> SpawnProcess:
    """Start the follower (settings from this process's environment) and wait until it has
    caught up with the log. With `deliver`, the same process delivers the webhooks, in
    threads of their own, once it has caught up."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited locks
    ready = context.Event()
    process = context.Process(
        target=_follow, args=(ready, os.getpid(), deliver), name="propdesk-follower", daemon=True
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


def _follow(ready: Event, server: int, deliver: bool) -> None:
    from api.config.settings import Settings
    from api.terminal.progress import catch_up

    settings = Settings.load()  # checked by `propdesk serve` before it started this
    follower = open_or_exit(settings)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    deliveries: threading.Thread | None = None
    try:
        catch_up(follower, "catching up the read models")
        settle_after_start()
        ready.set()
        end_with_parent(server, stop.set)
        if deliver:
            deliveries = deliverer_thread(settings, follower, stop)
        follow(settings, follower, stop)
    finally:
        stop.set()  # a follower that failed ends the deliveries too
        if deliveries is not None:
            deliveries.join(timeout=DELIVERIES_STOP_SECONDS)
        close(follower)


def deliverer_thread(
    settings: Settings, follower: Follower, stop: threading.Event
) -> threading.Thread:
    """The webhooks' deliverer beside the follower. It waits on receivers, not on the CPU,
    so it shares the follower's process rather than keep a third interpreter's memory; and
    the follower wakes it as soon as it has put notices in the outbox."""
    from api.webhooks.running import run_deliverer
    from projections.notices.follower import NoticeFollower

    wake = threading.Event()
    for companion in follower.companions:
        if isinstance(companion, NoticeFollower):
            companion.on_notices = wake.set
    thread = threading.Thread(
        target=run_deliverer, args=(settings, stop, wake), name="propdesk-webhooks", daemon=True
    )
    thread.start()
    return thread


def open_or_exit(settings: Settings) -> Follower:
    """The follower of `propdesk serve`, with the read models, the audit tree and the
    reporters' retention; what it refuses (e.g. read models built under another SLA
    policy, or a database it cannot open) ends this process with status 2, said on
    stderr."""
    from api.http.startup import STORAGE_ERRORS, cannot_open
    from api.terminal.consoles import say_error

    try:
        return open_follower_for(settings)
    except refusals() as error:
        say_error(str(error))
        raise SystemExit(2) from None
    except STORAGE_ERRORS as error:
        say_error(cannot_open(settings, error))
        raise SystemExit(2) from None


def open_follower_for(settings: Settings) -> Follower:
    from api.wiring import open_follower

    return open_follower(settings, settings.policy, audit=True)


def refusals() -> tuple[type[Exception], ...]:
    """What opening the follower refuses with a message for the operator, which no retry
    changes: the settings, the SLA policy, read models of another policy or layout."""
    from api.config.settings import SettingsError
    from projections.layout import PolicyMismatch
    from projections.policy import PolicyError
    from workflow.errors import DomainError

    return (DomainError, SettingsError, PolicyError, PolicyMismatch)


def follow(settings: Settings, follower: Follower, stop: threading.Event) -> None:
    """Follows until `stop` is set, the reporters' retention after each round."""
    from api.retention import retention_for

    follower.run(stop, poll_seconds=POLL_SECONDS, after_round=retention_for(settings, follower))


def close(follower: Follower) -> None:
    datastore = getattr(follower.store, "datastore", None)  # both stores have one
    if datastore is not None:
        datastore.close()
    follower.app.close()
