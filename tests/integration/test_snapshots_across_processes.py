"""Snapshots written by one process load in another: their topics resolve everywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from api.config.settings import Settings
from api.wiring import open_service
from support.driver import receive

ROOT = Path(__file__).resolve().parents[2]


def test_a_case_snapshotted_by_one_process_loads_in_a_fresh_one(db: str) -> None:
    app = open_service(Settings.load({}, db=db))
    case_id = receive(app, "complaint")
    for n in range(55):
        app.reply(case_id, actor="cs-1", message=f"update {n}")
    assert app.snapshots is not None
    stored = list(app.snapshots.recorder.select_events(case_id))
    assert [s.topic for s in stored] == ["propdesk.case.snapshot"]

    # A new interpreter has registered nothing by writing: it must find the topics itself.
    command = ["show", str(case_id), "--db", db, "--format", "json"]
    shown = subprocess.run(
        [sys.executable, "-c", "from api.cli.main import main; main()", *command],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    case = json.loads(shown.stdout)
    assert (case["version"], case["state"]) == (56, app.get(case_id).state)
