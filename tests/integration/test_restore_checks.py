"""A restore cannot be tricked: the manifest must list exactly the files the backend needs,
by plain names, each with its checksum; everything is checked before the target changes,
so a restore that fails leaves even a `--force`d target exactly as it was. Restored files
are owner-only, and a target another process has open is not replaced."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from typer.testing import CliRunner, Result

from api.cli.main import app
from api.config.settings import Settings, read_models_path
from api.simulation.simulator import Scenario, simulate
from support.backends import fresh_postgres
from support.holders import held_open_elsewhere
from support.processes import PROPDESK, environment

Manifest = dict[str, Any]


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def backup(db: str, tmp_path: Path) -> Path:
    simulate(Settings.load({}, db=db), Scenario(households=200, days=3, seed=2))
    taken = tmp_path / "backup"
    assert cli("backup", "--db", db, "--to", str(taken)).exit_code == 0
    return taken


@pytest.fixture
def target(db: str, tmp_path: Path) -> Iterator[str]:
    """Another database of the same backend, holding data of its own, with nothing open."""
    if Settings.load({}, db=db).is_postgres:
        with fresh_postgres() as url:
            simulate(Settings.load({}, db=url), Scenario(households=150, days=3, seed=9))
            yield url
        return
    (tmp_path / "target").mkdir()
    path = str(tmp_path / "target" / "propdesk.db")
    args = ["demo", "--households", "150", "--days", "3", "--db", path]
    subprocess.run([*PROPDESK, *args], env=environment(), check=True, capture_output=True)
    yield path


def state_of(target: str) -> dict[str, Any]:
    """The target's data: its files' bytes (SQLite), its tables' rows (PostgreSQL)."""
    if not Settings.load({}, db=target).is_postgres:
        folder = Path(target).parent
        kept = [p for p in sorted(folder.iterdir()) if not p.name.endswith(("-shm", "-lock"))]
        return {p.name: p.read_bytes() for p in kept}
    with psycopg.connect(target) as db:
        tables = [
            r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        return {
            t: db.execute(
                f"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM \"{t}\" t"
            ).fetchone()
            for t in sorted(tables)
        }


Change = Callable[[Manifest, Path], str | None]  # edits the manifest, or returns another


def edit(backup: Path, change: Change) -> None:
    manifest = json.loads((backup / "manifest.json").read_text())
    replaced = change(manifest, next(p for p in backup.iterdir() if p.name != "manifest.json"))
    (backup / "manifest.json").write_text(replaced or json.dumps(manifest))


def nest_deeply(manifest: Manifest, data: Path) -> str:
    return json.dumps({**manifest, "contents": [[[]]]}).replace("[[[]]]", "[" * 5000 + "]" * 5000)


def damage_and_list_nothing(manifest: Manifest, data: Path) -> str | None:
    with data.open("r+b") as file:
        file.seek(200)
        file.write(b"\0tampered\0")
    manifest["files"] = {}
    return None


def list_a_path(manifest: Manifest, data: Path) -> str | None:
    manifest["files"] = {f"../{name}": digest for name, digest in manifest["files"].items()}
    return None


def count_one_event_more(manifest: Manifest, data: Path) -> str | None:
    manifest["contents"]["events"] += 1
    return None


def cut_in_half_with_a_matching_checksum(manifest: Manifest, data: Path) -> str | None:
    whole = data.read_bytes()
    data.write_bytes(whole[: len(whole) // 2])
    manifest["files"][data.name] = hashlib.sha256(data.read_bytes()).hexdigest()
    return None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (damage_and_list_nothing, "damaged backup"),
        (list_a_path, "is not a plain file name"),
        (count_one_event_more, "the manifest says"),
        (cut_in_half_with_a_matching_checksum, "damaged backup"),
        (nest_deeply, "damaged backup"),
        (lambda manifest, data: "[]", "damaged backup"),
    ],
)
def test_a_backup_that_fails_a_check_leaves_even_a_forced_target_as_it_was(
    backup: Path, target: str, change: Change, message: str
) -> None:
    edit(backup, change)
    gc.collect()  # the simulation's connections, closed before the target is looked at
    before = state_of(target)

    failed = cli("restore", "--from", str(backup), "--db", target, "--force")

    assert failed.exit_code == 2, failed.output
    assert state_of(target) == before
    assert message in " ".join(failed.output.split())
    assert "Traceback" not in failed.output


def test_a_restore_refuses_a_target_another_process_has_open(
    tmp_path: Path,
) -> None:
    source = str(tmp_path / "source.db")
    simulate(Settings.load({}, db=source), Scenario(households=150, days=3, seed=4))
    assert cli("backup", "--db", source, "--to", str(tmp_path / "backup")).exit_code == 0
    target = tmp_path / "target" / "propdesk.db"
    target.parent.mkdir()
    with held_open_elsewhere(target):
        before = state_of(str(target))
        refused = cli("restore", "--from", str(tmp_path / "backup"), "--db", str(target), "--force")
        assert refused.exit_code == 3, refused.output
        assert "open in another process" in refused.output
        assert state_of(str(target)) == before


def test_restored_files_are_owner_only(tmp_path: Path) -> None:
    source = str(tmp_path / "source.db")
    settings = Settings.load({}, db=source)
    simulate(settings, Scenario(households=150, days=3, seed=4))
    assert cli("report", "sla", "--db", source).exit_code == 0  # builds the read models
    assert cli("backup", "--db", source, "--to", str(tmp_path / "backup")).exit_code == 0
    target = tmp_path / "target" / "propdesk.db"
    target.parent.mkdir()

    previous = os.umask(0o022)  # under which SQLite alone would create files readable by all
    try:
        restored = cli("restore", "--from", str(tmp_path / "backup"), "--db", str(target))
    finally:
        os.umask(previous)

    assert restored.exit_code == 0, restored.output
    files = [target, read_models_path(target)]
    assert [stat.S_IMODE(os.stat(f).st_mode) for f in files] == [0o600, 0o600]
