"""The job of each role a process of propdesk may stand for (`api/server/election.py`).

A role's entry builds, from the settings, the job its elected holder runs until stopped.
Imported in the candidate's own process only: the jobs need the storage.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from api.config.settings import Settings
from api.server.election import Job
from api.server.follower import close, follow, open_follower_for
from api.server.garbage_collector import settle_after_start


def follower_job(settings: Settings) -> Job:
    """The read models, their companions (the audit tree) and the reporters' retention, as
    the follower process of `propdesk serve` on SQLite runs them. Opened afresh at each
    election: the previous holder may have followed far meanwhile."""

    def job(stop: threading.Event) -> None:
        follower = open_follower_for(settings)
        try:
            settle_after_start()
            follow(settings, follower, stop)
        finally:
            close(follower)

    return job


def deliverer_job(settings: Settings) -> Job:
    """The webhooks' deliveries, as the deliverer process of `propdesk serve` on SQLite runs
    them: one server delivers, so an endpoint is not sent each notice by every server."""
    from api.webhooks.running import run_deliverer

    def job(stop: threading.Event) -> None:
        run_deliverer(settings, stop)

    return job


JOBS: dict[str, Callable[[Settings], Job]] = {
    "follower": follower_job,
    "deliverer": deliverer_job,
}
