"""A case's proof checked by a verifier written from docs/audit.md alone
(`support.third_party_verifier`), which imports nothing from propdesk."""

from __future__ import annotations

import ast
import base64
import json
import sqlite3
from contextlib import closing
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner, Result

from api.cli.main import app
from api.config.settings import Settings
from api.simulation.simulator import Scenario, simulate
from support import third_party_verifier
from support.third_party_verifier import third_party_verify


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Path, str]:
    """A simulated history with a checkpoint, one of its longest cases exported."""
    db = tmp_path / "events.db"
    simulate(Settings.load({}, db=str(db)), Scenario(households=200, days=5, seed=9))
    assert cli("audit", "checkpoint", "--new", "--db", str(db)).exit_code == 0
    vkey = cli("audit", "key", "--db", str(db)).stdout.strip()
    with closing(sqlite3.connect(db)) as events:
        (case_id,) = events.execute(
            "SELECT originator_id FROM stored_events GROUP BY originator_id"
            " ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()
    target = tmp_path / "proof.json"
    written = cli("audit", "export", str(UUID(case_id)), "--to", str(target), "--db", str(db))
    assert written.exit_code == 0, written.output
    return target, vkey


def test_the_third_party_verifier_imports_nothing_from_propdesk() -> None:
    tree = ast.parse(Path(third_party_verifier.__file__).read_text())
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
        )
    }
    assert imported == {"__future__", "base64", "hashlib", "cryptography"}
    assert len(Path(third_party_verifier.__file__).read_text().splitlines()) < 70


def test_a_verifier_written_from_the_document_alone_accepts_an_export(
    exported: tuple[Path, str],
) -> None:
    target, vkey = exported
    document = json.loads(target.read_text())
    proven = third_party_verify(document, vkey)
    assert len(proven) >= 4
    assert proven == [event["version"] for event in document["events"]]
    checked = cli("audit", "verify-export", str(target), "--key", vkey)
    assert checked.exit_code == 0, checked.output
    assert "verifies" in checked.stdout


def test_an_export_with_one_byte_of_an_event_changed_fails_both_verifiers(
    exported: tuple[Path, str],
) -> None:
    target, vkey = exported
    document = json.loads(target.read_text())
    state = base64.b64decode(document["events"][1]["state"])
    forged = state.replace(b'"note":"', b'"note":"x', 1)
    assert forged != state
    document["events"][1]["state"] = base64.b64encode(forged).decode()
    with pytest.raises(AssertionError, match="version 2 is not in the tree"):
        third_party_verify(document, vkey)
    target.write_text(json.dumps(document))
    checked = cli("audit", "verify-export", str(target), "--key", vkey)
    assert checked.exit_code == 1
    assert "does NOT verify" in checked.output


def test_an_export_checked_with_another_log_s_key_fails(
    exported: tuple[Path, str], tmp_path: Path
) -> None:
    target, _ = exported
    other = tmp_path / "other.db"
    simulate(Settings.load({}, db=str(other)), Scenario(households=20, days=1, seed=1))
    stranger = cli("audit", "key", "--db", str(other)).stdout.strip()
    with pytest.raises(AssertionError, match="not signed by the published key"):
        third_party_verify(json.loads(target.read_text()), stranger)
    checked = cli("audit", "verify-export", str(target), "--key", stranger)
    assert checked.exit_code == 1
    assert "not signed by" in checked.output
