"""`propdesk serve`'s candidate process on PostgreSQL: stands for roles, runs those it holds.

Every `serve` on a PostgreSQL database starts one such process beside its workers. It
stands for each role (`api/server/election.py`) and runs the role's job while it holds it;
the workers start at once, whether it is elected or not, and an elected follower catches
up in the background. Like the SQLite follower process it ends with the `serve` that
started it, even after a SIGKILL.

The supervisor imports this module, so the election and the jobs are imported in the
candidate's process alone. A candidate whose job is refused for good (read models of
another SLA policy) exits with REFUSED, having said why, and the supervisor stops the
server, as `serve` on SQLite does; one that ends otherwise is started again.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import wait
from multiprocessing.context import SpawnProcess
from typing import TYPE_CHECKING

from api.server.parent_watch import end_with_parent

if TYPE_CHECKING:  # imported in the candidate's process only
    from api.server.election import Candidate

REFUSED = 2  # the candidate's exit status when its job was refused (said on stderr)
AFTER_FAILURE = 5.0  # seconds before standing again after a job failed for a passing reason

log = logging.getLogger("uvicorn.error")


class Candidates:
    """The candidate process, started again if it dies. Once it exits with REFUSED,
    `refused` is set and this process gets a SIGTERM: the supervisor stops serving."""

    def __init__(self, roles: tuple[str, ...]) -> None:
        self.roles = roles
        self.refused = False
        self._stopping = threading.Event()
        self._turn = threading.Lock()
        self.process = self._start()
        threading.Thread(target=self._watch, name="propdesk-candidates", daemon=True).start()

    def _start(self) -> SpawnProcess:
        context = multiprocessing.get_context("spawn")  # a fresh interpreter
        process = context.Process(
            target=_stand, args=(self.roles, os.getpid()), name="propdesk-candidate", daemon=True
        )
        process.start()
        return process

    def _watch(self) -> None:
        while not self._stopping.is_set():
            wait([self.process.sentinel], timeout=0.5)
            with self._turn:
                if self._stopping.is_set() or self.process.is_alive():
                    continue
                if self.process.exitcode == REFUSED:
                    self.refused = True
                    os.kill(os.getpid(), signal.SIGTERM)  # the workers stop as on Ctrl-C
                    return
                log.warning(
                    "the candidate process %s exited with %s; starting another",
                    self.process.pid,
                    self.process.exitcode,
                )
                time.sleep(1.0)  # a candidate that cannot start does not spin
                self.process = self._start()

    def stop(self) -> None:
        with self._turn:
            self._stopping.set()
        process = self.process
        if process.is_alive():
            process.terminate()
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
            process.join()


def _stand(roles: tuple[str, ...], server: int) -> None:
    from api.config.settings import Settings
    from api.server.election import Candidate
    from api.server.role_jobs import JOBS

    settings = Settings.load()  # checked by `propdesk serve` before it started this
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    end_with_parent(server, stop.set)
    refused: list[str] = []
    stands = [
        threading.Thread(
            target=_candidacy,
            args=(Candidate(settings, role, JOBS[role](settings), say=_say), stop, refused),
            name=f"propdesk-stands-for-{role}",
        )
        for role in roles
    ]
    for each in stands:
        each.start()
    for each in stands:
        each.join()
    if refused:
        raise SystemExit(REFUSED)


def _candidacy(candidate: Candidate, stop: threading.Event, refused: list[str]) -> None:
    """Stands until stopped; a job refused for good stops every candidacy of the process."""
    from api.http.startup import STORAGE_ERRORS, cannot_open
    from api.server.election import JobFailed
    from api.server.follower import refusals
    from api.terminal.consoles import say_error

    while not stop.is_set():
        try:
            candidate.run(stop)
        except JobFailed as failed:
            cause = failed.__cause__
            if isinstance(cause, refusals()):
                say_error(str(cause))
                refused.append(candidate.role)
                stop.set()
                return
            detail = str(failed)
            if isinstance(cause, STORAGE_ERRORS):
                detail = cannot_open(candidate.settings, cause)
            _say(f"{detail}; standing again in {AFTER_FAILURE:g} s")
            stop.wait(AFTER_FAILURE)


def _say(line: str) -> None:
    print(f"propdesk[{os.getpid()}]: {line}", file=sys.stderr, flush=True)
