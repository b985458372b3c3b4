"""Reports and lists as Excel files: `--format xlsx --output FILE`, Chinese headers over the
same rows as JSON, the machine names beside them; files private and never overwritten
unasked."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from click.testing import Result
from openpyxl import load_workbook
from typer.testing import CliRunner

from api.cli.main import app
from api.config.settings import Settings
from api.storage.tokens import open_tokens
from api.wiring import open_service
from projections.policy import default_policy_text
from support.driver import receive
from support.old_events import recorded_before_the_rules
from workflow.service import CaseService

PERIOD = ["--from", "2026-11-01", "--to", "2026-12-01"]
SLA_HEADERS = [
    "类型", "优先级", "节点", "达标", "超时", "进行中", "达标率",
    "用时中位数(分钟)", "用时90分位(分钟)", "补录终止",
]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Three cases in November 2026, one received by a name a spreadsheet would run."""
    path = str(tmp_path_factory.mktemp("xlsx") / "propdesk.db")
    service = open_service(Settings.load({}, db=path))
    for day, staff in (("16", "desk-1"), ("17", "desk-2"), ("18", "=1+2")):

        def build(app: CaseService, day: str = day) -> UUID:
            case_id = receive(
                app, "repair", received_by="desk-x", received_at=f"2026-11-{day}T09:00:00+08:00"
            )
            app.dispatch(
                case_id, actor="desk-x", assignee="eng-wang", at=f"2026-11-{day}T09:20:00+08:00"
            )
            return case_id

        # The name rules refuse "=1+2" today; a case recorded before them may hold it.
        recorded_before_the_rules(
            service, build, {1: {"received_by": staff, "actor": staff}, 2: {"actor": staff}}
        )
    service.close()
    tokens = open_tokens(Settings.load({}, db=path))
    tokens.issue("desk-zhang", "agent")
    tokens.close()
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"PROPDESK_TIMEZONE": None})


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def sheets(path: Path) -> dict[str, list[list[Any]]]:
    book = load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book}


def test_the_sla_report_as_xlsx_has_chinese_headers_over_the_json_rows(
    db: str, tmp_path: Path
) -> None:
    target = tmp_path / "sla.xlsx"
    ok("report", "sla", "--db", db, *PERIOD, "--format", "xlsx", "--output", str(target))
    document = json.loads(ok("report", "sla", "--db", db, *PERIOD, "--format", "json"))
    book = sheets(target)
    data = book["SLA"]
    assert data[0] == SLA_HEADERS
    fields = list(document["rows"][0])
    assert data[1:] == [[row[f] for f in fields] for row in document["rows"]]
    assert isinstance(data[1][3], int)  # met: a number, not text
    assert book["字段"][0] == ["列", "表头", "字段"]
    assert book["字段"][1:] == [
        [chr(ord("A") + n), header, field]
        for n, (header, field) in enumerate(zip(SLA_HEADERS, fields, strict=True))
    ]
    about = {row[1]: row[2] for row in book["说明"][1:]}
    assert about["as_of"].startswith(document["as_of"][:10])
    assert about["as_of"].endswith("+08:00")
    assert (about["from"], about["to"]) == ("2026-11-01", "2026-12-01")
    assert about["policy"] == "default (一级)"


def test_a_staff_name_like_a_formula_stays_text_in_the_first_contact_xlsx(
    db: str, tmp_path: Path
) -> None:
    target = tmp_path / "first-contact.xlsx"
    ok("report", "first-contact", "--db", db, *PERIOD, "--format", "xlsx", "--output", str(target))
    data = load_workbook(target)["首问负责"]
    assert [c.value for c in data[1]][:3] == ["员工", "受理", "负责"]
    staff = {row[0].value: row[0] for row in data.iter_rows(min_row=2)}
    assert set(staff) == {"desk-1", "desk-2", "=1+2"}
    assert staff["=1+2"].data_type == "s"  # text, never a formula


def test_the_replay_comparison_exports_live_and_candidate_columns(db: str, tmp_path: Path) -> None:
    policy = tmp_path / "strict.toml"
    policy.write_text(default_policy_text().replace('target = "30m"', 'target = "5m"'))
    target = tmp_path / "replay.xlsx"
    ok(
        "replay",
        "--policy",
        str(policy),
        "--db",
        db,
        *PERIOD,
        "--format",
        "xlsx",
        "-o",
        str(target),
    )
    data = sheets(target)["策略对比"]
    assert data[0][:5] == ["类型", "优先级", "节点", "现行·达标", "现行·超时"]
    assert "候选·达标" in data[0]
    dispatch = next(row for row in data[1:] if row[1] == "normal" and row[2] == "dispatch")
    header = data[0]
    assert dispatch[header.index("现行·达标")] == 3
    assert dispatch[header.index("候选·超时")] == 3


def test_the_token_list_exports_to_xlsx(db: str, tmp_path: Path) -> None:
    target = tmp_path / "tokens.xlsx"
    ok("token", "list", "--db", db, "--format", "xlsx", "--output", str(target))
    data = sheets(target)["令牌"]
    assert data[0] == ["名称", "角色", "小区", "创建时间", "撤销时间"]
    assert data[1][:3] == ["desk-zhang", "agent", "*"]
    assert data[1][3].endswith("+08:00")
    assert data[1][4] is None


def test_xlsx_needs_an_output_file_and_never_goes_to_the_terminal(db: str) -> None:
    for args in (["report", "sla", *PERIOD], ["replay", "--policy", "x.toml"], ["token", "list"]):
        result = run(*args, "--db", db, "--format", "xlsx")
        assert result.exit_code == 2, result.output
        assert "--output FILE" in result.output
        assert result.stdout == ""


def test_output_files_are_private_and_never_overwritten_without_force(
    db: str, tmp_path: Path
) -> None:
    target = tmp_path / "sla.csv"
    ok("report", "sla", "--db", db, *PERIOD, "--format", "csv", "--output", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith("kind,priority,milestone")
    target.write_text("keep me")
    refused = run("report", "sla", "--db", db, *PERIOD, "--format", "csv", "--output", str(target))
    assert refused.exit_code == 2
    assert "exists; pass --force to replace it" in refused.output
    assert target.read_text() == "keep me"
    target.chmod(0o644)
    ok("report", "sla", "--db", db, *PERIOD, "--format", "csv", "--output", str(target), "--force")
    assert target.read_text().startswith("kind,priority,milestone")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_the_table_is_for_the_terminal_only(db: str, tmp_path: Path) -> None:
    result = run("report", "sla", "--db", db, *PERIOD, "--output", str(tmp_path / "t.txt"))
    assert result.exit_code == 2
    assert "--output writes json, csv or xlsx" in result.output
    assert not (tmp_path / "t.txt").exists()
