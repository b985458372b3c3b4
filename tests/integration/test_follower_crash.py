"""A follower killed while it works resumes exactly: the read models equal a clean rebuild."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from api.settings import Settings
from api.simulator import Scenario, simulate
from api.wiring import open_follower
from support.dumps import dump

ROOT = Path(__file__).resolve().parents[2]


def follower_process(db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from api.cli import main; main()",
            "projections",
            "run",
            "--db",
            str(db),
            "--page-size",
            "10",
            "--poll",
            "0.05",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )


def test_a_follower_killed_mid_run_resumes_and_equals_a_clean_rebuild(tmp_path: Path) -> None:
    db = tmp_path / "events.db"
    settings = Settings.load({}, db=str(db))
    simulate(settings, Scenario(households=2000, days=10, seed=3))
    follower = open_follower(settings, settings.policy)
    head = follower.head()
    assert head > 1000

    rng = random.Random(11)
    positions: list[int] = []
    for _ in range(8):
        before = follower.store.position()
        process = follower_process(db)
        deadline = time.monotonic() + 20
        while follower.store.position() == before and time.monotonic() < deadline:
            time.sleep(0.01)  # wait until it is working, then kill it at a random moment
        time.sleep(rng.uniform(0.02, 0.3))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        positions.append(follower.store.position())
        if sum(0 < p < head for p in positions) >= 3:
            break
    mid_run = [p for p in positions if 0 < p < head]
    assert len(mid_run) >= 2, f"no kill landed mid-run: positions {positions} of {head}"
    assert positions == sorted(positions), "a restart lost ground"

    follower.catch_up()  # finish where the killed processes stopped
    live = dump(follower.store)

    clean_db = tmp_path / "clean.db"
    with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(clean_db)) as copy:
        source.backup(copy)
    clean_settings = Settings.load({}, db=str(clean_db))
    clean = open_follower(clean_settings, clean_settings.policy)
    clean.rebuild()
    assert dump(clean.store) == live
    assert live["position"] == [{"position": head}]
