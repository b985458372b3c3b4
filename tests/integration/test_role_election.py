"""Candidates for a role on one PostgreSQL database: one runs the role's job at a time, the
role passes on when its holder stops, and a holder that loses its lock connection stops its
job at once. `propdesk projections run` stands for the follower's role too, and
`propdesk projections rebuild` takes it for the time it rebuilds."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from api.config.settings import Settings
from api.server.election import Candidate, JobFailed
from api.storage.own_tables import open_side_database
from api.storage.role_locks import HOLDERS, held_roles, holder_params, role_key
from api.wiring import open_service
from support.backends import fresh_postgres
from support.driver import new_request
from support.processes import Process, follower_process, stopped_at_exit

FAST = 0.1  # seconds between a candidate's tries, here


@dataclass
class Recorded:
    """A job that runs until stopped and says when it runs."""

    name: str
    running: threading.Event = field(default_factory=threading.Event)
    runs: int = 0

    def __call__(self, stop: threading.Event) -> None:
        self.runs += 1
        self.running.set()
        try:
            stop.wait()
        finally:
            self.running.clear()


@dataclass
class Standing:
    candidate: Candidate
    job: Recorded
    stop: threading.Event
    thread: threading.Thread
    said: list[str]
    failure: list[BaseException]


@contextmanager
def standing(settings: Settings, name: str, job: Recorded | None = None) -> Iterator[Standing]:
    """A candidate for the follower's role standing in a thread until the block ends."""
    job = job or Recorded(name)
    said: list[str] = []
    failure: list[BaseException] = []
    candidate = Candidate(settings, "follower", job, say=said.append, every=FAST)
    stop = threading.Event()

    def stand() -> None:
        try:
            candidate.run(stop)
        except BaseException as error:  # the test looks at it
            failure.append(error)

    thread = threading.Thread(target=stand, name=f"candidate-{name}", daemon=True)
    thread.start()
    try:
        yield Standing(candidate, job, stop, thread, said, failure)
    finally:
        stop.set()
        thread.join(timeout=10)
        assert not thread.is_alive(), f"candidate {name} did not stop"


def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition was not met in time"
        time.sleep(0.02)


@pytest.fixture
def settings() -> Iterator[Settings]:
    with fresh_postgres() as url:
        yield Settings.load({}, db=url)


def test_of_two_candidates_for_one_role_exactly_one_runs_its_job(settings: Settings) -> None:
    with standing(settings, "a") as a, standing(settings, "b") as b:
        until(lambda: a.job.running.is_set() or b.job.running.is_set())
        time.sleep(10 * FAST)  # many tries of the other
        assert [a.job.running.is_set(), b.job.running.is_set()].count(True) == 1
        waiting = b if a.job.running.is_set() else a
        assert waiting.job.runs == 0
        assert any("another process holds the role follower" in line for line in waiting.said)


def test_stopping_the_holder_hands_the_role_over(settings: Settings) -> None:
    with standing(settings, "a") as a:
        until(a.job.running.is_set)
        with standing(settings, "b") as b:
            until(lambda: bool(b.said))  # it stood and found the role held
            assert b.job.runs == 0
            a.stop.set()
            until(b.job.running.is_set, timeout=5)
            assert a.job.runs == 1
            assert not a.job.running.is_set()
            assert a.failure == []
            assert b.failure == []


def test_a_holder_that_loses_its_lock_connection_stops_its_job_and_stands_again(
    settings: Settings,
) -> None:
    db = open_side_database(settings)
    try:
        with standing(settings, "a") as a:
            until(a.job.running.is_set)
            key = role_key("follower", settings.eventsourcing_env()["POSTGRES_DBNAME"])
            [(holder,)] = db.run(HOLDERS, holder_params(key))[1]
            assert db.run("SELECT pg_terminate_backend(?)", (holder,))[1] == [(True,)]
            lost_at = time.monotonic()
            until(lambda: not a.job.running.is_set(), timeout=5)
            stopped_after = time.monotonic() - lost_at
            assert stopped_after < 10 * FAST  # the holder checks every FAST seconds
            assert any("lost the connection" in line for line in a.said)
            until(lambda: a.job.runs == 2)  # elected again once it reconnected
    finally:
        db.close()


def test_the_lock_table_shows_whether_the_role_is_held(settings: Settings) -> None:
    db = open_side_database(settings)
    dbname = settings.eventsourcing_env()["POSTGRES_DBNAME"]
    try:
        assert held_roles(db, dbname)["follower"] is False
        with standing(settings, "a") as a:
            until(a.job.running.is_set)
            assert held_roles(db, dbname)["follower"] is True
        assert held_roles(db, dbname)["follower"] is False
    finally:
        db.close()


def test_a_job_that_fails_gives_the_role_up_and_ends_the_candidacy(settings: Settings) -> None:
    def failing(stop: threading.Event) -> None:
        raise ValueError("read models of another policy")

    candidate = Candidate(settings, "follower", failing, say=lambda _: None, every=FAST)
    with pytest.raises(JobFailed) as failed:
        candidate.run(threading.Event())
    assert isinstance(failed.value.__cause__, ValueError)
    db = open_side_database(settings)
    dbname = settings.eventsourcing_env()["POSTGRES_DBNAME"]
    try:
        until(lambda: held_roles(db, dbname)["follower"] is False, timeout=5)
    finally:
        db.close()


def test_the_keys_differ_by_role_and_database_and_fit_a_bigint() -> None:
    keys = {role_key(r, d) for r in ("follower", "deliverer") for d in ("one", "two")}
    assert len(keys) == 4
    assert all(-(2**63) <= k < 2**63 for k in keys)
    assert role_key("follower", "one") == role_key("follower", "one")


def test_a_candidate_that_cannot_reach_postgresql_says_so_and_keeps_trying() -> None:
    url = "postgresql://desk:pw@127.0.0.1:1/propdesk"  # nothing listens on port 1
    said: list[str] = []
    candidate = Candidate(Settings.load({}, db=url), "follower", Recorded("x"), said.append, FAST)
    stop = threading.Event()
    thread = threading.Thread(target=candidate.run, args=(stop,), daemon=True)
    thread.start()
    until(lambda: bool(said))
    time.sleep(5 * FAST)
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert len(said) == 1
    assert "cannot reach PostgreSQL" in said[0]


def test_projections_run_waits_its_turn_for_the_role_saying_so(
    settings: Settings, tmp_path: Path
) -> None:
    db = open_side_database(settings)
    key = role_key("follower", settings.eventsourcing_env()["POSTGRES_DBNAME"])
    follower = follower_process(settings.db, tmp_path)
    try:
        with stopped_at_exit(follower), standing(settings, "a") as a:
            until(a.job.running.is_set)
            follower.start()
            until(lambda: "another process holds the role follower" in follower.tail(), 60)
            assert "following the log" not in follower.tail()
            a.stop.set()  # the role passes to `projections run`
            until(lambda: "following the log from position" in follower.tail(), 30)
            [(pid,)] = db.run(HOLDERS, holder_params(key))[1]
            [(name,)] = db.run(
                "SELECT application_name FROM pg_stat_activity WHERE pid = ?", (pid,)
            )[1]
            assert follower.popen is not None
            assert name == f"propdesk follower candidate {follower.popen.pid}"
            follower.stop()
            assert "stopped at position" in follower.tail()
    finally:
        db.close()


def test_a_rebuild_waits_for_the_followers_role_and_gives_it_up_when_done(
    settings: Settings, tmp_path: Path
) -> None:
    service = open_service(settings)
    try:
        for _ in range(3):
            service.receive(new_request("repair"))
    finally:
        service.close()
    rebuild = Process("rebuild", ["projections", "rebuild", "--db", settings.db], tmp_path)
    db = open_side_database(settings)
    dbname = settings.eventsourcing_env()["POSTGRES_DBNAME"]
    try:
        with stopped_at_exit(rebuild), standing(settings, "serve") as serve:
            until(serve.job.running.is_set)
            rebuild.start()
            until(lambda: "another process holds the role follower" in rebuild.tail(), 60)
            assert "stop every propdesk serve and projections run" in rebuild.tail()
            time.sleep(20 * FAST)
            assert rebuild.running  # no read model is written while another follows
            assert "rebuilt from" not in rebuild.tail()
            serve.stop.set()  # the role passes to the rebuild, which gives it up when done
            assert rebuild.popen is not None
            assert rebuild.popen.wait(timeout=60) == 0, rebuild.tail()
            assert "elected: this process holds the role follower" in rebuild.tail()
            assert "rebuilt from 3 events" in rebuild.tail()
        until(lambda: held_roles(db, dbname)["follower"] is False, timeout=5)
    finally:
        db.close()
