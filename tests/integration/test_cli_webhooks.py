"""`propdesk webhook add|list|remove` on each backend: the secret printed once, listings
redacted, refusals with exit status 2 that write nothing, the robot secret kept out of
the command line."""

from __future__ import annotations

import csv
import getpass
import io
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from api.cli.main import app
from api.cli.webhooks import Format
from api.config.settings import Settings
from api.webhooks.endpoints import FORMATS, Endpoint, endpoints
from api.webhooks.stores import notice_store

URL = "https://93.184.216.34/hook?key=KEY-IN-QUERY"  # a literal: nothing asks the network


def run(*args: str, stdin: str | None = None, **env: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=stdin, env={"COLUMNS": "250", **env})
    return result.exit_code, result.stdout, result.stderr


def stored(db: str) -> list[Endpoint]:
    with notice_store(Settings.load({}, db=db)) as store:
        return endpoints(store)


def listed(db: str) -> list[dict[str, Any]]:
    code, out, _ = run("webhook", "list", "--format", "json", "--db", db)
    assert code == 0
    found: list[dict[str, Any]] = json.loads(out)
    return found


def test_add_prints_the_id_and_the_secret_once_and_the_listings_never_show_it(db: str) -> None:
    code, out, _ = run("webhook", "add", URL, "--event", "milestone.breached", "--db", db)
    assert code == 0
    lines = out.strip().splitlines()
    (endpoint,) = stored(db)
    assert endpoint.id in lines[0]
    assert "https://93.184.216.34/hook?…" in lines[0]
    assert "KEY-IN-QUERY" not in out
    assert "will not be shown again" in lines[-2]
    assert lines[-1] == endpoint.secret
    assert endpoint.created_by == getpass.getuser()
    table = run("webhook", "list", "--db", db)[1]
    assert endpoint.id in table
    assert "https://93.184.216.34/hook?…" in table
    listing = listed(db)
    for shown in (table, json.dumps(listing)):
        assert endpoint.secret not in shown
        assert "KEY-IN-QUERY" not in shown
    assert listing[0]["events"] == ["milestone.breached"]
    assert (listing[0]["communities"], listing[0]["active"]) == ([], True)


def test_the_list_is_written_as_csv_or_as_a_private_workbook_and_never_with_a_secret(
    db: str, tmp_path: Path
) -> None:
    run("webhook", "add", URL, "--event", "milestone.breached", "--event", "case.closed",
        "--db", db)  # fmt: skip
    (endpoint,) = stored(db)
    code, out, _ = run("webhook", "list", "--format", "csv", "--db", db)
    assert code == 0
    (row,) = csv.DictReader(io.StringIO(out))
    assert (row["id"], row["events"], row["active"]) == (
        endpoint.id, "milestone.breached;case.closed", "True"
    )  # fmt: skip
    book = tmp_path / "webhooks.xlsx"
    code, _, err = run("webhook", "list", "--format", "xlsx", "--output", str(book), "--db", db)
    assert (code, f"wrote {book}" in err) == (0, True)
    assert stat.S_IMODE(os.stat(book).st_mode) == 0o600
    sheet = load_workbook(book).active
    assert sheet is not None
    header, first = list(sheet.iter_rows(max_row=2, values_only=True))
    assert header[:3] == ("编号", "地址", "格式")
    assert first[0] == endpoint.id
    cells = " ".join(str(v) for r in sheet.iter_rows(values_only=True) for v in r)
    assert endpoint.secret not in cells
    assert "KEY-IN-QUERY" not in cells
    code, _, err = run("webhook", "list", "--format", "xlsx", "--db", db)
    assert (code, "--format xlsx needs --output FILE" in err) == (2, True)
    code, _, err = run("webhook", "list", "--format", "xlsx", "--output", str(book), "--db", db)
    assert (code, "exists; pass --force to replace it" in err) == (2, True)


def test_add_takes_every_option(db: str) -> None:
    assert run("community", "add", "east", "--name", "东区", "--db", db)[0] == 0
    code, _, err = run(
        "webhook",
        "add",
        "http://10.1.2.3:8080/robot/send?access_token=t",
        "--event",
        "case.received",
        "--event",
        "case.closed",
        "--community",
        "east",
        "--format",
        "dingtalk",
        "--robot-secret",
        "SECfromoption",
        "--allow-private",
        "--db",
        db,
    )
    assert code == 0, err
    (endpoint,) = stored(db)
    assert (endpoint.format, endpoint.events, endpoint.communities) == (
        "dingtalk",
        ("case.received", "case.closed"),
        ("east",),
    )
    assert (endpoint.robot_secret, endpoint.allow_private) == ("SECfromoption", True)
    assert listed(db)[0]["has_robot_secret"] is True
    assert "SECfromoption" not in json.dumps(listed(db))


def test_the_robot_secret_may_come_from_standard_input(db: str) -> None:
    args = ["webhook", "add", URL, "--event", "case.closed", "--format", "dingtalk"]
    code, out, err = run(*args, "--robot-secret-stdin", "--db", db, stdin="SECfromstdin\n")
    assert code == 0, err
    assert stored(db)[0].robot_secret == "SECfromstdin"
    assert "SECfromstdin" not in out


# (arguments after the URL, what the error says)
REFUSED = [
    (["--event", "case.lost"], "unknown event type 'case.lost'; allowed: milestone.at_risk"),
    (["--event", "case.closed", "--community", "north"], "unknown community 'north'; known:"),
    (["--event", "case.closed", "--robot-secret", "SEC1"], "for the dingtalk format only"),
]


@pytest.mark.parametrize(("args", "why"), REFUSED, ids=[w for _, w in REFUSED])
def test_a_refused_add_says_why_exits_2_and_writes_nothing(
    db: str, args: list[str], why: str
) -> None:
    code, out, err = run("webhook", "add", URL, *args, "--db", db)
    assert (code, out) == (2, "")
    assert why in err
    assert stored(db) == []


def test_a_private_address_needs_allow_private(db: str) -> None:
    args = ("webhook", "add", "http://127.0.0.1:9000/hook", "--event", "case.closed")
    code, _, err = run(*args, "--db", db)
    assert code == 2
    assert "127.0.0.1, a loopback address" in err
    assert "--allow-private" in err
    assert stored(db) == []
    assert run(*args, "--allow-private", "--db", db)[0] == 0
    assert [e.url for e in stored(db)] == ["http://127.0.0.1:9000/hook"]


def test_the_robot_secret_given_two_ways_is_refused(db: str) -> None:
    code, _, err = run(
        "webhook",
        "add",
        URL,
        "--event",
        "case.closed",
        "--format",
        "dingtalk",
        "--robot-secret-stdin",
        "--robot-secret",
        "SEC1",
        "--db",
        db,
        stdin="SEC2\n",
    )
    assert code == 2
    assert "not both" in err
    assert stored(db) == []


def test_remove_drops_the_endpoint_and_an_unknown_id_exits_2(db: str) -> None:
    run("webhook", "add", URL, "--event", "case.closed", "--db", db)
    (endpoint,) = stored(db)
    code, out, _ = run("webhook", "remove", endpoint.id, "--db", db)
    assert code == 0
    assert f"webhook {endpoint.id} removed" in out
    assert stored(db) == []
    code, _, err = run("webhook", "remove", endpoint.id, "--db", db)
    assert code == 2
    assert f"no webhook endpoint has the id {endpoint.id!r}" in err


def test_the_formats_offered_are_the_registrys() -> None:
    assert tuple(Format) == FORMATS
