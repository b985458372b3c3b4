"""`propdesk user ...` and `propdesk access-log` as an IT lead runs them: a password is
generated and shown once (or read from standard input), refusals exit 2 and write nothing,
lists never show a hash; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from typer.testing import CliRunner

from api.cli.main import app
from api.config.settings import Settings
from api.storage.access_log import open_access_log
from api.storage.tokens import Principal, Role
from api.storage.users import UserRecord, open_users

CASE = "5b0c0f4e-0000-4000-8000-00000000000a"
OTHER_CASE = "5b0c0f4e-0000-4000-8000-00000000000b"
T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def run(*args: str, given: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=given, env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def login(db: str, name: str, password: str) -> Principal | None:
    users = open_users(Settings.load({}, db=db))
    try:
        return users.authenticate(name, password)
    finally:
        users.close()


def records(db: str) -> list[UserRecord]:
    users = open_users(Settings.load({}, db=db))
    try:
        return users.records()
    finally:
        users.close()


def test_an_added_account_gets_a_generated_password_printed_once_as_the_last_line(
    db: str,
) -> None:
    code, out, _ = run("user", "add", "desk-zhang", "--role", "agent", "--db", db)
    assert code == 0
    *said, password = out.strip().splitlines()
    assert "shown once" in said[-1]
    assert "for every community" in said[-1]
    assert len(password) >= 16
    assert login(db, "desk-zhang", password) == Principal("desk-zhang", Role.AGENT, None)
    assert login(db, "desk-zhang", password + "x") is None


def test_a_password_given_on_standard_input_is_used_and_never_printed(db: str) -> None:
    args = ("user", "add", "sup-li", "--role", "supervisor", "--password-stdin", "--db", db)
    code, out, err = run(*args, given="my own long password\n")
    assert code == 0
    assert "my own long password" not in out + err
    assert login(db, "sup-li", "my own long password") == Principal("sup-li", Role.SUPERVISOR)


def test_with_several_communities_an_account_says_which_it_sees(db: str) -> None:
    for community in ("east", "west"):
        assert run("community", "add", community, "--name", community, "--db", db)[0] == 0
    code, _, err = run("user", "add", "desk-zhang", "--role", "agent", "--db", db)
    assert code == 2
    assert "this deployment has 3 communities" in err
    assert records(db) == []
    args = ("user", "add", "desk-zhang", "--role", "agent", "--db", db)
    code, out, _ = run(*args, "--community", "west", "--community", "east")
    assert code == 0
    found = login(db, "desk-zhang", out.strip().splitlines()[-1])
    assert found is not None
    assert found.communities == frozenset({"east", "west"})
    code, out, _ = run(
        "user", "add", "sup-li", "--role", "supervisor", "--all-communities", "--db", db
    )
    assert code == 0
    assert "for every community" in out


def test_refusals_exit_2_say_why_and_write_nothing(db: str) -> None:
    short = "s3cret-pw"  # nine characters
    refused = [
        (("desk-zhang", "--role", "agent", "--password-stdin"), short, "at least 10 characters"),
        (("desk-zhang", "--role", "agent", "--password-stdin"), "", "no password on standard"),
        (("hotline", "--role", "channel"), None, "has no console"),
        (("desk zhang", "--role", "agent"), None, "a staff name is 1-64 letters"),
        (("desk-zhang", "--role", "agent", "--community", "north"), None, "unknown community"),
        (("desk-zhang", "--role", "agent", "--community", "default", "--all-communities"),
         None, "not both"),
    ]  # fmt: skip
    for args, given, message in refused:
        code, out, err = run("user", "add", *args, "--db", db, given=given)
        assert (code, message in err) == (2, True), (args, err)
        assert short not in out + err
        assert records(db) == []
    assert run("user", "add", "desk-zhang", "--role", "janitor", "--db", db)[0] == 2
    assert records(db) == []


def test_a_name_in_use_is_refused_and_keeps_its_password(db: str) -> None:
    password = run("user", "add", "desk-zhang", "--role", "agent", "--db", db)[1].split()[-1]
    code, _, err = run("user", "add", "desk-zhang", "--role", "admin", "--db", db)
    assert code == 2
    assert "exists; disable it first" in err
    assert login(db, "desk-zhang", password) == Principal("desk-zhang", Role.AGENT)


def test_passwd_gives_a_new_password_and_ends_the_accounts_sessions(db: str) -> None:
    old = run("user", "add", "desk-zhang", "--role", "agent", "--db", db)[1].split()[-1]
    users = open_users(Settings.load({}, db=db))
    session_id, _ = users.open_session("desk-zhang", T0)
    code, out, _ = run("user", "passwd", "desk-zhang", "--db", db)
    assert code == 0
    assert "shown once" in out
    new = out.strip().splitlines()[-1]
    assert (login(db, "desk-zhang", old), login(db, "desk-zhang", new) is not None) == (None, True)
    assert users.session(session_id, T0, timedelta(hours=1)) is None
    users.close()
    args = ("user", "passwd", "desk-zhang", "--password-stdin", "--db", db)
    code, out, err = run(*args, given="typed by the admin\n")
    assert code == 0
    assert "typed by the admin" not in out + err
    assert login(db, "desk-zhang", "typed by the admin") is not None
    code, _, err = run(*args, given="too short\n")
    assert (code, "at least 10 characters" in err, "too short" in err) == (2, True, False)
    assert login(db, "desk-zhang", "typed by the admin") is not None
    code, _, err = run("user", "passwd", "desk-li", "--db", db)
    assert (code, "no account named 'desk-li'" in err) == (2, True)


def test_disable_stops_logins_at_once_and_a_second_time_is_an_error(db: str) -> None:
    password = run("user", "add", "desk-zhang", "--role", "agent", "--db", db)[1].split()[-1]
    code, out, _ = run("user", "disable", "desk-zhang", "--db", db)
    assert (code, "sessions have ended" in out) == (0, True)
    assert login(db, "desk-zhang", password) is None
    code, _, err = run("user", "disable", "desk-zhang", "--db", db)
    assert (code, "no active account named 'desk-zhang'" in err) == (2, True)


def add_two(db: str) -> None:
    run("user", "add", "sup-li", "--role", "supervisor", "--db", db)
    run("user", "add", "=cmd", "--role", "agent", "--db", db)  # refused: not a name
    run("user", "add", "desk-zhang", "--role", "agent", "--db", db)
    run("user", "disable", "sup-li", "--db", db)


def test_the_list_shows_names_roles_scopes_and_dates_and_never_a_hash(db: str) -> None:
    add_two(db)
    code, out, _ = run("user", "list", "--db", db)
    assert code == 0
    lines = [line.split("\t") for line in out.splitlines()]
    assert [line[:3] for line in lines] == [
        ["desk-zhang", "agent", "*"],
        ["sup-li", "supervisor", "*"],
    ]
    assert lines[0][3].endswith("+08:00")
    assert lines[0][4] == "active"
    assert lines[1][4].startswith("disabled ")
    assert "argon2" not in out
    listed = json.loads(run("user", "list", "--format", "json", "--db", db)[1])
    assert [sorted(row) for row in listed] == [
        sorted(("name", "role", "communities", "created_at", "disabled_at"))
    ] * 2
    assert (listed[0]["disabled_at"], listed[1]["disabled_at"] is not None) == (None, True)
    table = list(csv.reader(io.StringIO(run("user", "list", "--format", "csv", "--db", db)[1])))
    assert table[0] == ["name", "role", "communities", "created_at", "disabled_at"]
    assert [row[0] for row in table[1:]] == ["desk-zhang", "sup-li"]


def sheet(path: Path, title: str) -> list[list[Any]]:
    book = load_workbook(path)
    return [list(row) for row in book[title].iter_rows(values_only=True)]


def test_the_lists_export_to_xlsx_with_chinese_headers(db: str, tmp_path: Path) -> None:
    add_two(db)
    target = tmp_path / "users.xlsx"
    code, _, err = run("user", "list", "--format", "xlsx", "--output", str(target), "--db", db)
    assert (code, f"wrote {target}" in err) == (0, True)
    data = sheet(target, "账号")
    assert data[0] == ["名称", "角色", "小区", "创建时间", "停用时间"]
    assert [row[0] for row in data[1:]] == ["desk-zhang", "sup-li"]
    assert run("user", "list", "--format", "xlsx", "--db", db)[0] == 2  # never to the terminal
    log = open_access_log(Settings.load({}, db=db))
    log.record(Principal("desk-zhang", Role.AGENT), CASE, "reporter.phone", T0)
    log.close()
    target = tmp_path / "access.xlsx"
    code, _, _ = run("access-log", "--format", "xlsx", "--output", str(target), "--db", db)
    assert code == 0
    data = sheet(target, "访问记录")
    assert data[0] == ["时间", "员工", "角色", "工单", "查看内容"]
    assert data[1] == ["2026-11-20T09:00:00+08:00", "desk-zhang", "agent", CASE, "reporter.phone"]


def test_the_access_log_says_who_saw_what_of_which_case_and_when_newest_first(db: str) -> None:
    log = open_access_log(Settings.load({}, db=db))
    zhang, li = Principal("desk-zhang", Role.AGENT), Principal("sup-li", Role.SUPERVISOR)
    log.record(zhang, CASE, "reporter.phone", T0)
    log.record(li, CASE, "reporter.phone", T0 + timedelta(minutes=5))
    log.record(zhang, OTHER_CASE, "reporter.name", T0 + timedelta(minutes=10))
    log.close()
    code, out, _ = run("access-log", "--db", db)
    assert code == 0
    assert [line.split("\t") for line in out.splitlines()] == [
        ["2026-11-20 09:10:00+08:00", "desk-zhang", "agent", OTHER_CASE, "reporter.name"],
        ["2026-11-20 09:05:00+08:00", "sup-li", "supervisor", CASE, "reporter.phone"],
        ["2026-11-20 09:00:00+08:00", "desk-zhang", "agent", CASE, "reporter.phone"],
    ]
    out = run("access-log", "--case", CASE, "--user", "desk-zhang", "--format", "json", "--db", db)[
        1
    ]
    assert json.loads(out) == [
        {
            "at": "2026-11-20T09:00:00+08:00",
            "who": "desk-zhang",
            "role": "agent",
            "case_id": CASE,
            "what": "reporter.phone",
        }
    ]
    out = run("access-log", "--user", "sup-li", "--format", "csv", "--db", db)[1]
    assert list(csv.reader(io.StringIO(out)))[1][1:] == [
        "sup-li",
        "supervisor",
        CASE,
        "reporter.phone",
    ]
    assert run("access-log", "--limit", "1", "--db", db)[1].count("\n") == 1
    assert run("access-log", "--user", "nobody", "--db", db)[:2] == (0, "")
    code, _, err = run("access-log", "--case", "BX-20261120-0001", "--db", db)
    assert (code, "no case has the number BX-20261120-0001" in err) == (2, True)
