"""On PostgreSQL a server can tell whether any process follows the log (the follower's
role is an advisory lock): a read that waits in vain answers 503 `no-follower`, saying what
starts one, when none does, and `read-models-behind` when one does but is behind."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from api.config.settings import Settings
from api.server.election import Candidate
from support.api_client import Api, running
from support.backends import fresh_postgres


@pytest.fixture
def unfollowed() -> Iterator[Api]:
    """A server process on PostgreSQL that follows nothing itself, as a worker of `serve`."""
    with fresh_postgres() as url, running(url, follow=False, read_wait=0.3) as api:
        yield api


def test_a_read_waiting_for_a_position_with_no_follower_anywhere_answers_no_follower(
    unfollowed: Api,
) -> None:
    unfollowed.create("repair")
    answer = unfollowed.client.get(
        "/requests", params={"min_position": 1}, headers=unfollowed.agent
    )
    assert answer.status_code == 503
    problem = answer.json()
    assert problem["type"].endswith("/no-follower")
    assert "no read-model follower is running" in problem["detail"]
    assert "`propdesk serve`" in problem["detail"]
    assert "`propdesk projections run`" in problem["detail"]
    assert "retry shortly" not in problem["detail"]
    assert unfollowed.client.get("/health").json()["roles"]["follower"] is False


def test_with_the_role_held_elsewhere_a_read_that_waits_in_vain_is_behind(unfollowed: Api) -> None:
    unfollowed.create("repair")
    # A follower elsewhere that holds the role but does nothing: one far behind.
    settings: Settings = unfollowed.config.settings
    holding = Candidate(settings, "follower", lambda stop: stop.wait(), say=lambda _: None)
    stop = threading.Event()
    stand = threading.Thread(target=holding.run, args=(stop,), daemon=True)
    stand.start()
    try:
        assert holding.holding.wait(10)
        answer = unfollowed.client.get(
            "/requests", params={"min_position": 1}, headers=unfollowed.agent
        )
        assert answer.status_code == 503
        assert answer.json()["type"].endswith("/read-models-behind")
        assert answer.headers["Retry-After"] == "1"
        assert unfollowed.client.get("/health").json()["roles"]["follower"] is True
    finally:
        stop.set()
        stand.join(timeout=10)
    deadline = time.monotonic() + 5
    while unfollowed.client.get("/health").json()["roles"]["follower"] is not False:
        assert time.monotonic() < deadline, "the role was not released"
        time.sleep(0.05)
