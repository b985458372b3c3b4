"""A rebuild builds into a scratch file and swaps it in whole: every page size gives the
same read models, readers never see a half-built one, and a killed rebuild changes nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from api.config.settings import Settings, read_models_path
from api.simulation.simulator import Scenario, simulate
from api.wiring import open_follower, open_read_models
from support.dumps import dump

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    db = tmp_path_factory.mktemp("rebuild") / "events.db"
    settings = Settings.load({}, db=str(db))
    simulate(settings, Scenario(households=300, days=10, seed=5))
    return settings


@pytest.mark.parametrize(
    ("page", "chunk", "cache"),
    [
        (7, 3, 100_000),  # open cases wait across many pages
        (7, 3, 5),  # the cache overflows: every touched case is written each page
        (50, 1, 40),  # both, in turns
        (25_000, 2000, 50_000),  # the defaults: one page
    ],
)
def test_a_rebuild_in_any_page_size_equals_the_incremental_read_models(
    history: Settings, page: int, chunk: int, cache: int
) -> None:
    incremental = open_follower(history, history.policy)
    incremental.catch_up()
    expected = dump(incremental.store)
    assert len(expected["rm_case_index"]) > 50

    rebuilt = open_follower(history, history.policy, rebuilding=True)
    rebuilt.rebuild_page_size, rebuilt.rebuild_chunk, rebuilt.cache_size = page, chunk, cache
    rebuilt.rebuild()
    assert dump(rebuilt.store) == expected
    assert not Path(str(read_models_path(history.sqlite_path)) + ".rebuild").exists()


def test_readers_see_the_old_read_models_until_the_rebuild_swaps_in_the_new(
    history: Settings,
) -> None:
    behind = open_follower(history, history.policy, rebuilding=True)
    behind.rebuild()
    head = behind.head()
    with closing(sqlite3.connect(read_models_path(history.sqlite_path))) as marker:
        marker.execute("DELETE FROM rm_staff")  # marks the old build
        marker.commit()
    reader = open_read_models(history)  # another connection, as a server holds
    seen_during: list[int] = []

    def progress(position: int, _head: int) -> None:
        seen_during.append(len(reader.query("SELECT * FROM rm_staff")))

    follower = open_follower(history, history.policy, rebuilding=True)
    follower.rebuild_chunk = 200
    follower.rebuild(progress)
    assert seen_during, "the rebuild reported no progress"
    assert set(seen_during) == {0}, "a reader saw a half-built read model"
    assert len(reader.query("SELECT * FROM rm_staff")) > 0
    assert reader.position() == head


def test_a_rebuild_killed_midway_leaves_the_live_read_models_as_they_were(
    history: Settings,
) -> None:
    follower = open_follower(history, history.policy, rebuilding=True)
    follower.rebuild()
    before = dump(follower.store)
    scratch = Path(str(read_models_path(history.sqlite_path)) + ".rebuild")
    command = ["projections", "rebuild", "--db", history.db]
    process = subprocess.Popen(
        [sys.executable, "-c", "from api.cli.main import main; main()", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    deadline = time.monotonic() + 30
    while not scratch.exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert scratch.exists(), "the rebuild never started its scratch file"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert scratch.exists(), "the rebuild finished before it was killed"
    assert dump(open_read_models(history)) == before

    again = open_follower(history, history.policy, rebuilding=True)
    again.rebuild()
    assert dump(again.store) == before
    assert not scratch.exists()
