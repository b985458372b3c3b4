"""Two `propdesk serve`s on one PostgreSQL database, as two machines would run them: one
follows the log, the other's candidate waits; killed with SIGKILL, the follower's serve
hands the role over and the survivor's read models show a new case within 5 s."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from api.config.settings import Settings
from api.storage.own_tables import open_side_database
from support.backends import fresh_postgres
from support.processes import (
    free_ports,
    issue_token,
    server_process,
    stopped_at_exit,
    wait_healthy,
)
from support.request_bodies import REPAIR
from support.role_holders import holder_parent, until_held_by

TAKEOVER_BOUND = 5.0  # seconds from the kill until the survivor's read models show a case


@pytest.mark.slow
def test_a_killed_serve_hands_the_follower_role_to_another_within_five_seconds(
    tmp_path: Path,
) -> None:
    with fresh_postgres() as url:
        settings = Settings.load({}, db=url)
        channel = {"Authorization": f"Bearer {issue_token(url, 'hotline', 'channel')}"}
        agent = {"Authorization": f"Bearer {issue_token(url, 'desk-zhang', 'agent')}"}
        ports = free_ports(2)
        servers = [server_process(url, port, tmp_path, "--workers", "1") for port in ports]
        db = open_side_database(settings)
        try:
            with stopped_at_exit(*servers):
                for server, port in zip(servers, ports, strict=True):
                    server.start()  # one after the other: their schemas, not their election
                    wait_healthy(f"http://127.0.0.1:{port}")
                by_pid = {
                    s.popen.pid: (s, p) for s, p in zip(servers, ports, strict=True) if s.popen
                }
                elected = until_held_by(db, settings, set(by_pid))
                holder, _ = by_pid.pop(elected)
                ((survivor, port),) = by_pid.values()
                base = f"http://127.0.0.1:{port}"
                assert wait_healthy(base)["roles"]["follower"] is True

                holder.kill()  # SIGKILL to the serve, its workers and its candidate
                killed_at = time.monotonic()
                created = httpx.post(
                    f"{base}/requests",
                    json=REPAIR,
                    headers={**channel, "Idempotency-Key": "takeover-1"},
                    timeout=10,
                )
                assert created.status_code == 201, created.text
                position = int(created.headers["X-Event-Position"])
                while wait_healthy(base)["read_models_position"] < position:
                    assert time.monotonic() - killed_at < 30, survivor.tail()
                    time.sleep(0.02)
                takeover = time.monotonic() - killed_at

                assert holder_parent(db, settings) == survivor.popen.pid  # type: ignore[union-attr]
                listed = httpx.get(
                    f"{base}/requests", params={"min_position": position}, headers=agent
                ).json()["items"]
                assert [c["id"] for c in listed] == [created.json()["id"]]
                print(f"\ntakeover after SIGKILL of the following serve: {takeover:.2f} s")
                assert "another process holds the role follower" in survivor.tail(200)
                assert takeover < TAKEOVER_BOUND, survivor.tail()
                survivor.stop()  # its candidate ends with it, and the role is free
                deadline = time.monotonic() + 10
                while holder_parent(db, settings) is not None:
                    assert time.monotonic() < deadline, "the role outlived its serve"
                    time.sleep(0.05)
        finally:
            db.close()
