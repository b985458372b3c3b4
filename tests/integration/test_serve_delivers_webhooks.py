"""`propdesk serve` on SQLite runs the webhook deliverer in a process of its own: a notice
that enters the outbox while it serves reaches its endpoint within five seconds, and the
deliverer ends with the server: nothing is sent once it has gone."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.config.settings import Settings
from support.processes import free_port, server_process, stopped_at_exit, wait_healthy
from support.webhook_receiver import Clock, Receiver, put_notice
from support.webhooks import endpoint_at, notice_store


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver().serving() as serving:
        yield serving


def test_a_notice_taken_in_while_serving_reaches_its_endpoint_within_five_seconds(
    tmp_path: Path, receiver: Receiver
) -> None:
    db = str(tmp_path / "propdesk.db")
    settings = Settings.load({}, db=db)
    port = free_port()
    server = server_process(db, port, tmp_path, "--workers", "1")
    with notice_store(settings) as store, stopped_at_exit(server):
        endpoint_at(store, Clock(datetime.now(UTC)), receiver.base + "/ok")
        server.start()
        wait_healthy(f"http://127.0.0.1:{port}")
        put_notice(store, case_id="5d0c8d9e-0000-4000-8000-000000000004",
                   emitted_at=datetime.now(UTC))  # fmt: skip
        began = time.monotonic()
        while not receiver.to("/ok"):
            assert time.monotonic() - began < 5, server.tail()
            time.sleep(0.05)
        server.stop()
        assert not server.running
        time.sleep(2)  # a deliverer left behind notices its parent gone within a second
        put_notice(store, case_id="5d0c8d9e-0000-4000-8000-000000000005",
                   emitted_at=datetime.now(UTC))  # fmt: skip
        time.sleep(1.5)  # three of the deliverer's polls
        assert len(receiver.to("/ok")) == 1
