"""`propdesk audit verify` exits 0 on an untouched history and 1 on a tampered one, in a
table or as JSON; `audit checkpoint` prints a checkpoint the key verifies."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from api.cli.main import app
from api.config.settings import Settings
from api.simulation.simulator import Scenario, simulate
from projections.audit.notes import parse_note, parse_vkey
from support.tampering import Tamperer


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_verify_exits_0_untouched_and_1_with_the_tampered_position_after_a_change(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "events.db")
    simulate(Settings.load({}, db=db), Scenario(households=150, days=3, seed=4))
    printed = cli("audit", "checkpoint", "--db", db)
    assert printed.exit_code == 0, printed.output
    kept = tmp_path / "kept.txt"
    kept.write_text(printed.stdout)
    key = parse_vkey(cli("audit", "key", "--db", db).stdout)
    assert parse_note(kept.read_text()).signed_by(key)
    size = parse_note(kept.read_text()).checkpoint.size

    clean = cli("audit", "verify", "--db", db, "--checkpoint", str(kept))
    assert clean.exit_code == 0, clean.output
    assert "the history verifies" in clean.stdout

    Tamperer(db).change(size - 3)
    tampered = cli("audit", "verify", "--db", db, "--checkpoint", str(kept), "--format", "json")
    assert tampered.exit_code == 1, tampered.output
    document = json.loads(tampered.stdout)
    assert document["ok"] is False
    assert document["findings"][0]["position"] == size - 3
    assert {c["source"] for c in document["checkpoints"]} == {"stored", str(kept)}


def test_a_malformed_checkpoint_file_is_refused_with_what_is_wrong(tmp_path: Path) -> None:
    db = str(tmp_path / "events.db")
    simulate(Settings.load({}, db=db), Scenario(households=20, days=1, seed=4))
    bad = tmp_path / "bad.txt"
    bad.write_text("not a checkpoint\n")
    answer = cli("audit", "verify", "--db", db, "--checkpoint", str(bad))
    assert answer.exit_code == 2
    assert "three lines" in answer.output
