"""The server's processes freeze what start-up made and collect rarely; an embedded app
leaves its host's garbage collector alone."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from api.config.server import ServerConfig
from api.http.app import create_app

SETTLE = """
import gc
from api.server.garbage_collector import settle_after_start
before = gc.get_freeze_count()
settle_after_start()
print(before, gc.get_freeze_count(), gc.get_threshold())
"""


def test_settling_freezes_the_start_up_objects_and_raises_the_threshold() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SETTLE], capture_output=True, text=True, check=True
    )
    before, after, thresholds = done.stdout.split(" ", 2)
    assert int(before) == 0
    assert int(after) > 1_000  # at least the modules it imported
    assert thresholds.strip() == "(20000, 20, 20)"


def test_an_app_not_started_by_serve_leaves_the_collector_alone(tmp_path: Path) -> None:
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    config = ServerConfig.load({}, db=str(tmp_path / "propdesk.db"))
    assert config.server_pid is None
    with TestClient(create_app(config)) as client:
        assert client.get("/health").status_code == 200
    assert gc.get_threshold() == thresholds
    assert gc.get_freeze_count() == frozen
