"""Crash and load: many clients through a server and a follower killed mid-load.

The server (`propdesk serve`) and the follower (`propdesk projections run`) run as
processes of their own, on SQLite (`--no-follow`, so that each can be killed alone) and
on PostgreSQL. Client threads record requests with idempotency keys and drive cases with
commands under If-Match; now and then they send what must be refused (a key reused for
another request, a stale If-Match, a command the state does not allow). Meanwhile both
processes are killed with SIGKILL at random moments and restarted on the same port; a
client sends what got no answer (or a 5xx) again, with the same key or If-Match, until
it is answered. Afterwards the store is read with the application itself:

- every request answered 2xx is in the log exactly once, where the answer said;
- nothing refused was written, and nothing was written that no request asked for;
- every case's history is a path through its lifecycle table;
- the read models the follower process left equal a clean rebuild.

Set PROPDESK_LOAD_SEED to repeat a run's choices (not its timing), PROPDESK_LOAD_REPORT
to a file to append each backend's numbers to as a JSON line.
"""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.backends import BACKENDS, database
from support.load_clients import Load
from support.processes import (
    follower_process,
    free_port,
    issue_token,
    server_process,
    stopped_at_exit,
    wait_caught_up,
    wait_healthy,
)
from support.run_report import report
from support.store_checks import verify

CLIENTS = 12
KILLS = 3
CHANNEL = "app-load"  # the channel token's name: idempotency keys are scoped by it


def follower_lag(base: str) -> int | None:
    try:
        health = httpx.get(f"{base}/health", timeout=1.0).json()
    except httpx.HTTPError:
        return None
    # Read one after the other: the follower may pass the head read a moment before.
    return max(0, int(health["log_position"]) - int(health["read_models_position"]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_clients_retrying_through_killed_servers_and_followers_lose_and_duplicate_nothing(
    backend: str, tmp_path: Path
) -> None:
    seed = int(os.environ.get("PROPDESK_LOAD_SEED") or random.randrange(1_000_000))
    rng = random.Random(seed)
    started = time.monotonic()
    with database(backend, tmp_path) as db:
        load = Load(
            base="",
            channel_token=issue_token(db, CHANNEL, "channel"),
            staff_token=issue_token(db, "sup-load", "supervisor"),
            channel_name=CHANNEL,
            seed=seed,
        )
        port = free_port()
        load.base = f"http://127.0.0.1:{port}"
        # Two API processes on one database, the follower a third, as a company runs them.
        server = server_process(db, port, tmp_path, "--no-follow", "--workers", "2")
        follower = follower_process(db, tmp_path)
        kills = 0
        behind: list[int | None] = []  # events the follower had left when killed
        with stopped_at_exit(server, follower):
            server.start()
            wait_healthy(load.base)
            follower.start()  # after the server has made the read-model tables
            clients = [
                threading.Thread(target=load.run_client, args=(n,), name=f"client-{n}")
                for n in range(CLIENTS)
            ]
            for client in clients:
                client.start()
            try:
                for _ in range(KILLS):
                    time.sleep(rng.uniform(1.0, 2.5))
                    behind.append(follower_lag(load.base))
                    first, second = rng.sample([server, follower], 2)
                    first.kill()
                    time.sleep(rng.uniform(0.0, 0.3))
                    second.kill()
                    kills += 1
                    time.sleep(rng.uniform(0.2, 0.8))  # down: the clients keep retrying
                    # One after the other: two processes opening the application on
                    # PostgreSQL at the same moment can fail at start-up ("tuple
                    # concurrently updated"), a separate bug this test is not about.
                    server.start()
                    wait_healthy(load.base)
                    follower.start()
                time.sleep(rng.uniform(1.0, 2.0))
            finally:
                load.stop.set()
                for client in clients:
                    client.join(timeout=60)
            stuck = [c.name for c in clients if c.is_alive()]
            assert not stuck, f"clients still running: {stuck}"
            logs = server.tail() + "\n" + follower.tail()
            assert not load.failures, "\n".join(load.failures[:20]) + "\n" + logs
            wait_caught_up(load.base)
            server.stop()
            follower.stop()

        verdict = verify(db, load.ops)

    ops = load.ops
    acknowledged = sum(op.outcome == "acknowledged" for op in ops)
    rejected = sum(op.outcome == "rejected" for op in ops)
    retried = sum(op.attempts > 1 for op in ops)
    summary: dict[str, Any] = {
        "backend": backend,
        "driven": len(ops),
        "acknowledged": acknowledged,
        "recovered": sum(op.outcome == "recovered" for op in ops),
        "rejected": rejected,
        "retried": retried,
        "resends": sum(op.attempts - 1 for op in ops),
        "intake_replayed": sum(op.kind == "intake" and op.statuses[-1:] == [200] for op in ops),
        "lost": verdict.lost,
        "duplicated": verdict.duplicated,
        "rejected_written": verdict.rejected_written,
        "written_by_no_request": verdict.phantom,
        "server_errors": dict(load.server_errors),
        "kills": kills,
        "follower_behind_at_kills": behind,
        "cases": verdict.cases,
        "events": verdict.events,
        "seed": seed,
        "seconds": round(time.monotonic() - started, 1),
    }
    report("crash-and-load", summary)
    assert not verdict.problems, "\n".join(verdict.problems[:30])
    assert (verdict.lost, verdict.duplicated, verdict.rejected_written) == (0, 0, 0)
    assert kills == KILLS
    assert server.starts == follower.starts == KILLS + 1
    assert retried > 0, "no kill landed on a request in flight"
    assert acknowledged > 100, summary
    assert rejected > 0, summary
