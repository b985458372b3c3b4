"""Writers of one SQLite file take turns: across processes (flock) and across threads."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from api.config.settings import Settings
from api.http.group_commit import IntakeWriter
from api.storage.sqlite_write_lock import SqliteWriteLock
from api.wiring import open_service
from support.driver import new_request
from workflow.receiving import Prepared

ROUNDS = 40
INSIDE = 0.003  # seconds spent inside a turn: long enough for another writer to barge in
OUTSIDE = 0.001  # and between turns, so that the other writer gets its turns too

# One writer process: marks entering and leaving each turn in a shared log. It starts when
# told to (a line on stdin), so that both writers really run at the same time.
WRITER = """
import os, sys, time
from contextlib import nullcontext
from pathlib import Path
from api.storage.sqlite_write_lock import SqliteWriteLock

db, log, rounds, mode = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
inside, outside = float(sys.argv[5]), float(sys.argv[6])
turns = SqliteWriteLock(db) if mode == "turns" else nullcontext
me = os.getpid()

def mark(what):
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{what} {me}\\n".encode())
    finally:
        os.close(fd)

print("ready", flush=True)
sys.stdin.readline()
for _ in range(rounds):
    with turns():
        mark("enter")
        time.sleep(inside)
        mark("exit")
    time.sleep(outside)
"""


def overlaps(marks: Iterable[tuple[str, str]]) -> int:
    """How often a writer entered while another was inside its turn."""
    inside: set[str] = set()
    count = 0
    for what, who in marks:
        if what == "enter":
            count += bool(inside)
            inside.add(who)
        else:
            assert who in inside, f"{who} left a turn it never entered"
            inside.remove(who)
    assert not inside, f"{inside} never left"
    return count


def switches(marks: list[tuple[str, str]]) -> int:
    """How often the log moves from one writer's turn to another's: both really ran."""
    enters = [who for what, who in marks if what == "enter"]
    return sum(a != b for a, b in pairwise(enters))


def run_processes(tmp_path: Path, mode: str) -> list[tuple[str, str]]:
    db, log = tmp_path / "propdesk.db", tmp_path / "turns.log"
    root = Path(__file__).resolve().parents[2]
    args = [str(db), str(log), str(ROUNDS), mode, str(INSIDE), str(OUTSIDE)]
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(root / "src")},
        )
        for _ in range(2)
    ]
    try:
        for w in writers:
            assert w.stdout is not None
            assert w.stdout.readline().strip() == "ready"
        for w in writers:
            assert w.stdin is not None
            w.stdin.write("go\n")
            w.stdin.flush()
        codes = [w.wait(timeout=60) for w in writers]
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
                w.wait()
            for stream in (w.stdin, w.stdout):
                if stream is not None:
                    stream.close()
    assert codes == [0, 0]
    marks = [tuple(line.split()) for line in log.read_text().splitlines()]
    pids = {str(w.pid) for w in writers}
    assert {who for _, who in marks} == pids
    assert len(marks) == 2 * 2 * ROUNDS
    return [(what, who) for what, who in marks]


def test_two_processes_never_hold_a_turn_at_once(tmp_path: Path) -> None:
    marks = run_processes(tmp_path, "turns")
    assert overlaps(marks) == 0
    assert switches(marks) >= 2  # they took turns, rather than one running after the other
    assert (tmp_path / "propdesk.db.write-lock").exists()


def test_without_turns_the_same_two_processes_do_overlap(tmp_path: Path) -> None:
    """The check above can fail: the same writers without SqliteWriteLock barge in."""
    marks = run_processes(tmp_path, "none")
    assert overlaps(marks) > 0


def run_threads(turns: list[Callable[[], AbstractContextManager[object]]]) -> list[tuple[str, str]]:
    marks: list[tuple[str, str]] = []
    barrier = threading.Barrier(len(turns))

    def writer(name: str, turn: Callable[[], AbstractContextManager[object]]) -> None:
        barrier.wait()
        for _ in range(ROUNDS):
            with turn():
                marks.append(("enter", name))
                time.sleep(INSIDE)
                marks.append(("exit", name))
            time.sleep(OUTSIDE)

    threads = [
        threading.Thread(target=writer, args=(f"thread-{i}", turn)) for i, turn in enumerate(turns)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    assert len(marks) == 2 * len(turns) * ROUNDS
    return marks


@pytest.mark.parametrize(
    "shared", [True, False], ids=["one SqliteWriteLock", "a SqliteWriteLock each"]
)
def test_two_threads_of_one_process_never_hold_a_turn_at_once(tmp_path: Path, shared: bool) -> None:
    """Threads sharing one SqliteWriteLock queue on its lock; two SqliteWriteLock on one file (two
    services in one process) still exclude each other through the lock file."""
    db = tmp_path / "propdesk.db"
    one = SqliteWriteLock(db)
    marks = run_threads([one, one] if shared else [one, SqliteWriteLock(db)])
    assert overlaps(marks) == 0
    assert switches(marks) >= 2


def test_without_turns_the_same_two_threads_do_overlap() -> None:
    marks = run_threads([nullcontext, nullcontext])
    assert overlaps(marks) > 0


def test_a_thread_inside_its_turn_may_take_it_again(tmp_path: Path) -> None:
    turns = SqliteWriteLock(tmp_path / "propdesk.db")
    entered: list[int] = []

    def nested() -> None:
        with turns(), turns():
            entered.append(2)
        with turns():  # and the turn is free again afterwards
            entered.append(1)

    worker = threading.Thread(target=nested)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "a nested turn waited for itself"
    assert entered == [2, 1]


def test_requests_arriving_while_another_process_writes_join_one_batch(tmp_path: Path) -> None:
    db = tmp_path / "propdesk.db"
    app = open_service(Settings.load({}, db=str(db)))
    sizes: list[int] = []
    real_receive_prepared = app.receive_prepared

    def receive_prepared(requests: Sequence[Prepared]) -> Any:
        sizes.append(len(requests))
        return real_receive_prepared(requests)

    app.receive_prepared = receive_prepared  # type: ignore[method-assign]
    writer = IntakeWriter(app)
    try:
        other = SqliteWriteLock(db)  # another writer of the file, as another process would be
        with other():
            futures = [writer.submit(new_request("repair", idempotency_key="join-0"), None)]
            time.sleep(0.2)  # the writer has the first request and waits for its turn
            futures += [
                writer.submit(new_request("repair", idempotency_key=f"join-{i}"), None)
                for i in range(1, 6)
            ]
            time.sleep(0.1)
            assert sizes == []
        answers = [f.result(timeout=10) for f in futures]
        assert sizes == [6]
        assert len({a.case.id for a in answers}) == 6
    finally:
        writer.close()
        app.close()
