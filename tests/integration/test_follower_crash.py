"""A follower killed while it works resumes exactly: the read models equal a clean rebuild.

Each kill is aimed: the test waits until the follower process has written past a point
of its own choosing, stops it there (SIGSTOP, wherever it is: reading, applying or
committing a page), reads the position it had written, and only then kills it. So every
kill lands mid-run at a position the test checked: the last aim leaves well over a third of
the log to do, far more than the follower does between two looks at its position.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from api.config.settings import Settings
from api.simulation.simulator import Scenario
from api.wiring import open_follower
from projections.store import ReadModelStore
from support.dumps import dump
from support.histories import copy_database, simulated
from support.processes import Process, stopped_at_exit

KILLS = 3
PAGE_SIZE = 10  # small pages: many commits, so a stop can land within or between them


def frozen_past(process: Process, store: ReadModelStore, target: int, floor: int) -> int:
    """Waits until the running follower has written past `target`, freezes it, and returns
    the position it had written. On the way the position never falls below `floor`."""
    deadline = time.monotonic() + 60
    while (position := store.position()) < target:
        assert position >= floor, f"the restarted follower went back from {floor} to {position}"
        assert process.running, f"the follower ended at {position}: {process.tail()}"
        assert time.monotonic() < deadline, f"no progress past {position}: {process.tail()}"
        time.sleep(0.002)
    process.freeze()
    return store.position()


def test_a_follower_killed_mid_run_resumes_and_equals_a_clean_rebuild(tmp_path: Path) -> None:
    db = tmp_path / "events.db"
    simulated(db, Scenario(households=2000, days=10, seed=3))
    settings = Settings.load({}, db=str(db))
    follower = open_follower(settings, settings.policy)
    head = follower.head()
    assert head > 1000

    args = ["projections", "run", "--db", str(db), "--page-size", str(PAGE_SIZE), "--poll", "0.05"]
    process = Process("follower", args, tmp_path)
    rng = random.Random(11)
    killed_at = [0]
    with stopped_at_exit(process):
        for kill in range(1, KILLS + 1):
            # The k-th kill aims at the k-th sixth of the log, a random few pages further.
            aim = head * kill // 6 + rng.randrange(0, head // 12)
            target = max(aim, killed_at[-1] + 1)  # each restart must write before its kill
            process.start()
            frozen = frozen_past(process, follower.store, target, floor=killed_at[-1])
            assert killed_at[-1] < frozen < head, f"kill {kill} at {frozen} of {head}"
            process.kill()
            assert follower.store.position() == frozen, "a frozen follower wrote on"
            killed_at.append(frozen)
    # Resumed once more, it does exactly what the last kill left: no event twice.
    assert follower.catch_up() == head - killed_at[-1]
    live = dump(follower.store)

    clean_db = tmp_path / "clean.db"
    copy_database(db, clean_db)
    clean_settings = Settings.load({}, db=str(clean_db))
    clean = open_follower(clean_settings, clean_settings.policy)
    clean.rebuild()
    assert dump(clean.store) == live
    assert live["position"] == [{"position": head}]
