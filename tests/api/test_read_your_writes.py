"""Reads backed by read models wait (bounded) for `min_position`: clients read their writes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.api_client import Api, running


@pytest.fixture
def slow(tmp_path: Path) -> Iterator[Api]:
    """A follower polling every half second: reads right after a write find it behind."""
    with running(str(tmp_path / "propdesk.db"), poll_seconds=0.5) as found:
        yield found


def test_a_list_read_with_the_writes_position_sees_the_write(slow: Api) -> None:
    for n in range(3):
        case = slow.create("repair")
        written = slow.act(case["id"], "dispatch", {"assignee": f"eng-{n}"})
        position = written.headers["X-Event-Position"]
        found = slow.client.get(
            "/requests",
            params={"assignee": f"eng-{n}", "min_position": position},
            headers=slow.agent,
        ).json()["items"]
        assert [(c["id"], c["state"], c["version"]) for c in found] == [
            (case["id"], "dispatched", 2)
        ]


def test_a_history_read_with_the_writes_position_has_every_position(slow: Api) -> None:
    case = slow.create("complaint")
    written = slow.act(case["id"], "reply", {"message": "on it"})
    history = slow.client.get(
        f"/requests/{case['id']}/history",
        params={"min_position": written.headers["X-Event-Position"]},
        headers=slow.supervisor,
    ).json()
    assert [e["position"] for e in history["events"]] == [1, 2]


def test_a_report_read_with_the_writes_position_counts_the_write(slow: Api) -> None:
    case = slow.create("repair")
    written = slow.act(case["id"], "dispatch", {"assignee": "eng-1"})
    report = slow.client.get(
        "/reports/sla",
        params={"min_position": written.headers["X-Event-Position"]},
        headers=slow.analyst,
    ).json()
    dispatch = next(r for r in report["rows"] if r["milestone"] == "dispatch")
    assert (dispatch["met"], dispatch["pending"]) == (1, 0)


def test_a_position_beyond_the_log_answers_422_at_once(api: Api) -> None:
    api.create("repair")
    response = api.client.get("/requests", params={"min_position": 99}, headers=api.agent)
    assert response.status_code == 422
    assert "beyond the end of the event log (1)" in response.json()["detail"]


def test_without_a_follower_a_read_waits_a_bounded_time_then_answers_503(tmp_path: Path) -> None:
    with running(str(tmp_path / "propdesk.db"), follow=False, read_wait=0.3) as api:
        api.create("repair")
        started = time.monotonic()
        response = api.client.get("/requests", params={"min_position": 1}, headers=api.agent)
        waited = time.monotonic() - started
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "1"
        assert "not yet 1; retry shortly" in response.json()["detail"]
        assert 0.3 <= waited < 3
        assert api.client.get("/health").json()["follower"] is False
        assert api.client.get("/health").json()["roles"] is None  # SQLite: none to see
        assert api.client.get("/requests", headers=api.agent).json()["items"] == []
