"""`propdesk community add|list` on each backend: registered once, listed in every form."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from api.cli.main import app


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_communities_are_added_once_and_listed_as_a_table_json_csv_and_a_spreadsheet(
    db: str, tmp_path: Path
) -> None:
    assert run("community", "add", "sunny-garden", "--name", "阳光花园", "--db", db)[0] == 0
    assert run("community", "add", "lake", "--name", "湖畔", "--db", db)[0] == 0
    code, _, err = run("community", "add", "lake", "--name", "又一个", "--db", db)
    assert code == 2
    assert "a community 'lake' exists already" in err

    listed = json.loads(run("community", "list", "--format", "json", "--db", db)[1])
    assert [(c["code"], c["name"], c["policy"]) for c in listed] == [
        ("default", "默认小区", "default (一级)"),
        ("lake", "湖畔", "default (一级)"),
        ("sunny-garden", "阳光花园", "default (一级)"),
    ]
    rows = list(
        csv.DictReader(io.StringIO(run("community", "list", "--format", "csv", "--db", db)[1]))
    )
    assert [r["code"] for r in rows] == ["default", "lake", "sunny-garden"]
    table = run("community", "list", "--db", db)[1]
    assert "阳光花园" in table
    assert "default (一级)" in table
    sheet = tmp_path / "communities.xlsx"
    assert run("community", "list", "--format", "xlsx", "--output", str(sheet), "--db", db)[0] == 0
    cells = list(load_workbook(sheet).worksheets[0].values)
    assert cells[0][:2] == ("编码", "名称")
    assert [row[0] for row in cells[1:]] == ["default", "lake", "sunny-garden"]


def test_a_bad_code_or_name_is_refused_with_the_reason_and_nothing_is_added(
    db: str, tmp_path: Path
) -> None:
    for args, says in [
        (["Sunny", "--name", "x"], "not a community code"),
        (["ok", "--name", ""], "must not be empty"),
    ]:
        code, _, err = run("community", "add", *args, "--db", db)
        assert code == 2, err
        assert says in err
        assert "Traceback" not in err
    listed = json.loads(run("community", "list", "--format", "json", "--db", db)[1])
    assert [c["code"] for c in listed] == ["default"]
