"""Standing for a role: one process at a time runs a role's job, on PostgreSQL.

Several `propdesk serve`s (and `propdesk projections run`) may share one database; some
work must be done by one of them only (following the log into the read models). Each
stands as a candidate: about every second it tries to take the role's advisory lock on a
connection of its own (`api/storage/role_locks.py`). The one that takes it runs the job
until it is stopped. PostgreSQL releases the lock when the holder's session ends, also
when its process is killed, and another candidate takes the role at its next try.

The holder checks its lock connection at the same pace: once that connection is lost,
PostgreSQL may have released the lock and another candidate may hold it, so the job is
stopped at once and the candidate stands again. The jobs resume from what they recorded
(the read models' tracking), so a job stopped anywhere is taken up where it left off.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from api.config.settings import Settings
from api.storage.role_locks import connect_for_lock, database_name, role_key, try_lock

TRY_SECONDS = 1.0  # between a candidate's tries, and between the holder's checks

Job = Callable[[threading.Event], None]  # runs until the event is set (or returns sooner)

log = logging.getLogger("propdesk.election")


class JobFailed(RuntimeError):
    """The role's job raised (its error is the cause); the role was given up."""


@dataclass
class Candidate:
    """Stands for `role` until stopped; runs `job` in a thread while it holds the role.

    `say` receives one line on each change: waiting for the role, elected, lost the role.
    A job that raises gives the role up and ends `run` with JobFailed (the caller says
    why); a job that returns by itself gives the role up and the candidate stands again."""

    settings: Settings
    role: str
    job: Job
    say: Callable[[str], None] = log.info
    every: float = TRY_SECONDS
    waiting_hint: str = ""  # added to the line that says the role is held by another
    connect: Callable[[Settings, str], psycopg.Connection[Any]] = connect_for_lock
    holding: threading.Event = field(default_factory=threading.Event)

    def run(self, stop: threading.Event) -> None:
        key = role_key(self.role, database_name(self.settings))
        waiting_said = unreachable_said = False
        while not stop.is_set():
            try:
                db = self.connect(self.settings, self.role)
            except psycopg.OperationalError as error:
                if not unreachable_said:
                    self.say(f"cannot reach PostgreSQL to stand for the role {self.role}: {error}")
                unreachable_said = True
                stop.wait(self.every)
                continue
            unreachable_said = False
            try:
                while not stop.is_set():
                    if try_lock(db, key):
                        waiting_said = False
                        self._hold(db, stop)
                        break
                    if not waiting_said:
                        self.say(
                            f"another process holds the role {self.role}; waiting for it"
                            + self.waiting_hint
                        )
                    waiting_said = True
                    stop.wait(self.every)
            except psycopg.Error as error:
                self.say(f"lost the connection that stands for the role {self.role}: {error}")
            finally:
                db.close()  # releases the role, if it still held it
            if not stop.is_set():
                stop.wait(self.every)

    def _hold(self, db: psycopg.Connection[Any], stop: threading.Event) -> None:
        """Runs the job while the lock connection answers; returns (or raises the job's
        error) once stopped, the job ended, or the connection was lost."""
        self.say(f"elected: this process holds the role {self.role}")
        halt = threading.Event()
        failure: list[BaseException] = []

        def work() -> None:
            try:
                self.job(halt)
            except BaseException as error:  # handed to the candidate's thread, which raises it
                failure.append(error)

        worker = threading.Thread(target=work, name=f"propdesk-{self.role}", daemon=True)
        self.holding.set()
        worker.start()
        try:
            while not stop.is_set() and worker.is_alive():
                stop.wait(self.every)
                db.execute("SELECT 1")  # raises once the session is gone
        finally:
            halt.set()
            worker.join()
            self.holding.clear()
        if failure:
            raise JobFailed(f"the job of the role {self.role} failed: {failure[0]}") from failure[0]
