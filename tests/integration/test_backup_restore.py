"""`propdesk backup` and `propdesk restore` through the command line, on both backends: a
restore holds exactly what the backup saw, personal data and tokens included, with read
models that report the same; it never overwrites data unasked; a backup taken while
another thread writes restores and rebuilds cleanly."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner, Result

import api.backup.postgres
from api.cli.main import app
from api.config.settings import Settings
from api.simulation.simulator import Scenario, simulate
from api.storage.own_tables import open_side_database
from api.storage.tokens import open_tokens
from api.wiring import open_follower, open_notice_store_for, open_read_models, open_service
from support.backends import fresh_postgres
from support.driver import new_request
from support.dumps import dump
from workflow.errors import CaseNotFound
from workflow.personal_data import Reporter
from workflow.service import CaseService

SCENARIO = Scenario(households=200, days=5, seed=1)


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def ok(*args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


@contextmanager
def another(db: str, tmp_path: Path, name: str) -> Iterator[str]:
    """A fresh, empty database of the same backend as `db`: the "new machine"."""
    if Settings.load({}, db=db).is_postgres:
        with fresh_postgres() as url:
            yield url
    else:
        (tmp_path / name).mkdir()
        yield str(tmp_path / name / "propdesk.db")


def reports(db: str) -> list[Any]:
    start, end = SCENARIO.period()
    period = ["--from", f"{start.date()}", "--to", f"{end.date() + timedelta(1)}"]
    fixed = [*period, "--as-of", end.isoformat(), "--format", "json", "--db", db]
    return [json.loads(ok("report", kind, *fixed)) for kind in ("sla", "first-contact")]


def reporters(settings: Settings) -> list[tuple[Any, ...]]:
    side = open_side_database(settings)
    try:
        return side.run("SELECT * FROM propdesk_reporters ORDER BY ref")[1]
    finally:
        side.close()


def verifies(settings: Settings, token: str) -> bool:
    tokens = open_tokens(settings)
    try:
        return tokens.verify(token) is not None
    finally:
        tokens.close()


def head_of(settings: Settings) -> int:
    service = open_service(settings)  # held: the application closes its store when collected
    return service.recorder.max_notification_id() or 0


def write_more(service: CaseService, prefix: str, count: int) -> list[UUID]:
    cases = []
    for n in range(count):
        request = new_request(
            "repair", idempotency_key=f"{prefix}-{n}", reporter=Reporter("王芳", "13800000000")
        )
        case_id = service.receive(request).case.id
        service.dispatch(case_id, actor="desk-1", assignee="eng-wang")
        cases.append(case_id)
    return cases


def test_a_restore_holds_exactly_what_the_backup_saw(db: str, tmp_path: Path) -> None:
    settings = Settings.load({}, db=db)
    sample = list(simulate(settings, SCENARIO).tally.cases)[::7]
    tokens = open_tokens(settings)
    token = tokens.issue("desk-zhang", "agent")
    expected_reports = reports(db)  # also brings the read models to the head
    service = open_service(settings)
    head = service.recorder.max_notification_id()
    histories = {case_id: service.history(case_id) for case_id in sample}
    expected_reporters = reporters(settings)
    expected_read_models = dump(open_read_models(settings))

    backup = tmp_path / "backup"
    assert "backed up" in ok("backup", "--db", db, "--to", str(backup))
    later = write_more(service, "after-backup", 5)  # not in the backup
    late_token = tokens.issue("desk-li", "agent")
    tokens.close()
    assert reporters(settings) != expected_reporters

    with another(db, tmp_path, "new-machine") as target:
        assert "restored" in ok("restore", "--from", str(backup), "--db", target)
        restored = Settings.load({}, db=target)
        again = open_service(restored)
        assert again.recorder.max_notification_id() == head
        assert {case_id: again.history(case_id) for case_id in sample} == histories
        with pytest.raises(CaseNotFound):
            again.get(later[0])
        assert reporters(restored) == expected_reporters
        assert verifies(restored, token)
        assert not verifies(restored, late_token)
        assert dump(open_read_models(restored)) == expected_read_models
        assert reports(target) == expected_reports


def test_a_restore_refuses_a_database_that_holds_data_unless_forced(
    db: str, tmp_path: Path
) -> None:
    simulate(Settings.load({}, db=db), SCENARIO)
    backup = tmp_path / "backup"
    ok("backup", "--db", db, "--to", str(backup))
    with another(db, tmp_path, "occupied") as target:
        occupied = Settings.load({}, db=target)
        write_more(open_service(occupied), "theirs", 3)
        refused = cli("restore", "--from", str(backup), "--db", target)
        assert refused.exit_code == 3, refused.output
        assert "holds data" in refused.output
        assert "--force" in refused.output
        assert "Traceback" not in refused.output
        assert head_of(occupied) == 6  # untouched

        ok("restore", "--from", str(backup), "--db", target, "--force")
        source_head = head_of(Settings.load({}, db=db))
        assert head_of(occupied) == source_head
        assert reports(target) == reports(db)
    again = cli("backup", "--db", db, "--to", str(backup))  # a backup never overwrites one
    assert again.exit_code == 3
    assert "choose a new path" in again.output


def test_a_backup_taken_while_another_thread_writes_is_consistent(db: str, tmp_path: Path) -> None:
    settings = Settings.load({}, db=db)
    simulate(settings, SCENARIO)
    stop, written, failures = threading.Event(), [0], []

    def keep_writing() -> None:
        # The server's two halves: the application writing events, the follower
        # writing read models; each on its own connections.
        service = open_service(settings)
        follower = open_follower(settings, settings.policy, service)
        try:
            while not stop.is_set():
                write_more(service, f"busy-{written[0]}", 1)
                written[0] += 1
                if written[0] % 3 == 0:
                    follower.catch_up()
        except Exception as error:  # pragma: no cover - reported by the assertion below
            failures.append(error)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while written[0] < 10 and writer.is_alive():
            stop.wait(0.01)
        backup = tmp_path / "backup"
        began = written[0]
        ok("backup", "--db", db, "--to", str(backup))
        during = written[0] - began
        before_stop = written[0]
        while written[0] < before_stop + 10 and writer.is_alive():
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join()
    assert failures == []
    assert during > 0, "no write happened while the backup ran"

    manifest = json.loads((backup / "manifest.json").read_text())
    with another(db, tmp_path, "new-machine") as target:
        ok("restore", "--from", str(backup), "--db", target)
        restored = Settings.load({}, db=target)
        service = open_service(restored)
        head = service.recorder.max_notification_id()
        assert head == manifest["contents"]["head"]
        assert manifest["read_models_position"] <= head  # copied first: never ahead
        assert head < head_of(settings)
        caught_up = dump(open_read_models(restored))
        assert caught_up["position"] == [{"position": head}]
        for row in caught_up["rm_case_index"]:  # every case loads from the restored events
            assert service.get(row["case_id"]).version >= 1
        ok("projections", "rebuild", "--db", target)
        assert dump(open_read_models(restored)) == caught_up


def test_a_damaged_or_foreign_backup_is_refused_before_the_target_is_touched(
    db: str, tmp_path: Path
) -> None:
    simulate(Settings.load({}, db=db), Scenario(households=50, days=2, seed=3))
    backup = tmp_path / "backup"
    ok("backup", "--db", db, "--to", str(backup))
    with another(db, tmp_path, "new-machine") as target:
        data = next(p for p in backup.iterdir() if p.name != "manifest.json")
        with data.open("r+b") as file:
            file.seek(200)
            file.write(b"\0damaged\0")
        damaged = cli("restore", "--from", str(backup), "--db", target)
        assert damaged.exit_code == 2, damaged.output
        assert "checksum" in damaged.output
        foreign = "postgresql://u@localhost/x" if target.endswith(".db") else str(tmp_path / "x.db")
        wrong = cli("restore", "--from", str(backup), "--db", foreign)
        assert wrong.exit_code == 2
        assert "is a backup of" in wrong.output
        if target.endswith(".db"):
            assert not Path(target).exists()
        else:
            assert head_of(Settings.load({}, db=target)) == 0
    nothing = cli("restore", "--from", str(tmp_path), "--db", db)
    assert nothing.exit_code == 2
    assert "not a propdesk backup" in nothing.output


def test_missing_postgresql_tools_are_named_without_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api.backup.postgres.shutil, "which", lambda _name: None)
    monkeypatch.setattr(api.backup.postgres, "PG_VERSIONS", tmp_path)
    url = "postgresql://desk:s3cret-pw@127.0.0.1:1/propdesk"
    result = cli("backup", "--db", url, "--to", str(tmp_path / "backup"))
    assert result.exit_code == 2
    assert "pg_dump not found" in result.output
    assert "postgresql-client" in result.output
    assert "s3cret" not in result.output
    assert not (tmp_path / "backup").exists()


def test_a_restore_over_an_sqlite_deployment_starts_its_audit_tree_and_notices_afresh(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "propdesk.db")
    settings = Settings.load({}, db=db)  # the key beside the database
    simulate(settings, SCENARIO)
    ok("backup", "--db", db, "--to", str(tmp_path / "backup"))
    write_more(open_service(settings), "after-backup", 4)  # then the tree and notices follow
    follower = open_follower(settings, settings.policy, audit=True)
    follower.catch_up()
    for companion in follower.companions:
        companion.follow()
    del follower

    ok("restore", "--from", str(tmp_path / "backup"), "--db", db, "--force")
    again = open_follower(settings, settings.policy, audit=True)
    again.catch_up()
    for companion in again.companions:
        companion.follow()
    head = head_of(settings)
    notices = open_notice_store_for(settings)
    assert notices.position() == again.store.position() == head  # restarted at the restore
    assert notices.meta("started_from") == str(head)
    assert "the history verifies" in ok("audit", "verify", "--db", db)
