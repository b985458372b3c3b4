"""The demo never destroys data: it replaces only its own earlier output (its console
accounts, and what signing in with them wrote, included), never a database holding a
token, a case or an account it did not write unless told to (`--replace`), and never one
another process has open, told to or not."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner, Result

from api.cli.main import app as cli
from api.config.settings import Settings
from api.storage.tokens import open_tokens
from api.storage.users import open_users
from api.wiring import open_service
from support.driver import new_request
from support.holders import held_open_elsewhere
from support.processes import PROPDESK, environment

SMALL = ["--households", "60", "--days", "2", "--seed", "5"]


def demo(db: Path, *flags: str) -> Result:
    return CliRunner().invoke(cli, ["demo", *SMALL, "--db", str(db), *flags])


def events_in(db: Path) -> int:
    with sqlite3.connect(db) as found:
        return int(found.execute("SELECT count(*) FROM stored_events").fetchone()[0])


def refused(result: Result, reason: str) -> None:
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert reason in message
    assert "--db" in message
    assert "Traceback" not in result.output


def test_a_database_with_a_token_or_a_case_the_demo_did_not_write_is_refused(
    tmp_path: Path,
) -> None:
    with_token, with_case = tmp_path / "token.db", tmp_path / "case.db"
    for db in (with_token, with_case):
        assert demo(db).exit_code == 0
    settings = Settings.load({}, db=str(with_token))
    tokens = open_tokens(settings)
    token = tokens.issue("desk-zhang", "agent")
    tokens.close()
    service = open_service(Settings.load({}, db=str(with_case)))
    real = service.receive(
        new_request("repair", description="电梯困人", community="lakeside")
    ).case.id
    service.close()
    before = {db: events_in(db) for db in (with_token, with_case)}

    refused(demo(with_token), "holds 1 API token")
    refused(demo(with_case), "holds events that no finished demo run accounts for")
    assert "--replace" in demo(with_case).output

    assert {db: events_in(db) for db in (with_token, with_case)} == before
    tokens = open_tokens(settings)
    assert tokens.verify(token) is not None
    tokens.close()
    assert open_service(Settings.load({}, db=str(with_case))).get(real).version == 1


def test_signing_in_with_the_demo_s_accounts_does_not_stop_the_next_run_another_account_does(
    tmp_path: Path,
) -> None:
    db = tmp_path / "propdesk.db"
    assert demo(db).exit_code == 0
    users = open_users(Settings.load({}, db=str(db)))
    now = datetime.now(UTC)
    users.open_session("sup-huang", now, "en")  # someone looked around as the supervisor
    users.record_failure("sup-huang", now)
    users.close()
    again = demo(db)
    assert again.exit_code == 0, again.output
    assert "replaced the earlier demo database" in again.output

    users = open_users(Settings.load({}, db=str(db)))
    users.add("desk-new", "agent", None, "a password of the company's")
    users.close()
    refused(demo(db), "holds console accounts the demo did not create: desk-new")
    users = open_users(Settings.load({}, db=str(db)))
    assert "desk-new" in {u.name for u in users.records()}
    users.close()


def test_replace_deletes_data_the_demo_did_not_write_when_no_other_process_has_it(
    tmp_path: Path,
) -> None:
    db = tmp_path / "real.db"
    with sqlite3.connect(db) as real:
        real.execute("CREATE TABLE ledger (entry TEXT)")
        real.execute("INSERT INTO ledger VALUES ('keep me')")
    refused(demo(db), "holds data the demo did not write")
    with sqlite3.connect(db) as real:
        assert real.execute("SELECT entry FROM ledger").fetchall() == [("keep me",)]

    replaced = demo(db, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "deleted" in replaced.output
    with sqlite3.connect(db) as now:
        tables = {name for (name,) in now.execute("SELECT name FROM sqlite_master")}
    assert "ledger" not in tables
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600


def test_a_database_another_process_has_open_is_refused_even_with_replace(
    tmp_path: Path,
) -> None:
    db = tmp_path / "propdesk.db"
    assert demo(db).exit_code == 0
    written, inode = events_in(db), os.stat(db).st_ino
    with held_open_elsewhere(db):
        for flags in ((), ("--replace",)):
            refused(demo(db, *flags), "is open in another process")
        assert (os.stat(db).st_ino, events_in(db)) == (inode, written)
        assert db.with_name(db.name + "-wal").exists()  # the holder's journal is left alone
    again = demo(db)  # the holder has gone: its own earlier output is replaced again
    assert again.exit_code == 0, again.output
    assert "replaced the earlier demo database" in again.output


def test_an_interrupted_demo_is_replaced_by_the_next_run(tmp_path: Path) -> None:
    db = tmp_path / "propdesk.db"
    args = ["demo", "--households", "3000", "--days", "30", "--db", str(db)]
    run = subprocess.Popen(
        [*PROPDESK, *args],
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # Ctrl-C as at a terminal, also where this test runs with SIGINT ignored (a
        # background job), which Python would otherwise inherit and never raise for.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while run.poll() is None and time.monotonic() < deadline:
        if db.exists() and events_in_while_written(db) > 50:
            break
        time.sleep(0.05)
    assert run.poll() is None, "the demo ended before it could be interrupted"
    run.send_signal(signal.SIGINT)
    run.communicate(timeout=60)

    again = demo(db)
    assert again.exit_code == 0, again.output
    assert "replaced the earlier demo database" in again.output


def events_in_while_written(db: Path) -> int:
    try:
        return events_in(db)
    except sqlite3.OperationalError:  # the demo's first moments: no table of events yet
        return 0
