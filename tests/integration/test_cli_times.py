"""The command line prints times in the deployment's time zone (PROPDESK_TIMEZONE, Asia/Shanghai
by default) with their offset, and takes `--as-of` by the API's rule."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from api.cli.main import app
from api.config.settings import Settings
from api.storage.tokens import open_tokens
from api.wiring import open_service
from projections.policy import default_policy_text
from support.driver import receive

RECEIVED = "2026-11-20T09:00:00+08:00"
LATER = "2099-01-01T00:00:00+08:00"
PERIOD = ["--from", "2026-11-01", "--to", "2026-12-01"]
SHANGHAI: dict[str, str | None] = {"PROPDESK_TIMEZONE": None, "COLUMNS": "250"}
BERLIN: dict[str, str | None] = {"PROPDESK_TIMEZONE": "Europe/Berlin", "COLUMNS": "250"}


@pytest.fixture
def case(db: str) -> str:
    """A case received at 09:00 Shanghai time, 01:00 UTC, 02:00 in Berlin."""
    service = open_service(Settings.load({}, db=db))
    case_id = receive(
        service, "repair", received_at=RECEIVED, late_reason="copied from the paper register"
    )
    service.close()
    return str(case_id)


def run(env: dict[str, str | None], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def ok(env: dict[str, str | None], *args: str) -> str:
    result = run(env, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_show_and_history_print_times_in_the_deployment_time_zone(db: str, case: str) -> None:
    assert "2026-11-20 09:00:00+08:00" in ok(SHANGHAI, "show", case, "--db", db)
    assert "2026-11-20 02:00:00+01:00" in ok(BERLIN, "show", case, "--db", db)
    assert "2026-11-20 02:00:00+01:00" in ok(BERLIN, "history", case, "--db", db)
    shown = json.loads(ok(BERLIN, "show", case, "--db", db, "--format", "json"))
    assert shown["received_at"] == "2026-11-20T02:00:00+01:00"
    entries = json.loads(ok(BERLIN, "history", case, "--db", db, "--format", "json"))
    assert entries[0]["occurred_at"] == "2026-11-20T02:00:00+01:00"
    assert entries[0]["recorded_at"].endswith("+01:00")


def test_the_reports_as_of_line_is_in_the_deployment_time_zone(db: str, case: str) -> None:
    as_of = ["--as-of", "2026-11-21T09:00:00+08:00"]
    assert "as of 2026-11-21 09:00:00+08:00" in ok(
        SHANGHAI, "report", "sla", "--db", db, *PERIOD, *as_of
    )
    assert "as of 2026-11-21 02:00:00+01:00" in ok(
        BERLIN, "report", "first-contact", "--db", db, *PERIOD, *as_of
    )
    document = json.loads(
        ok(BERLIN, "report", "sla", "--db", db, *PERIOD, *as_of, "--format", "json")
    )
    assert document["as_of"] == "2026-11-21T02:00:00+01:00"
    assert ok(SHANGHAI, "report", "sla", "--db", db, *PERIOD).count("+08:00") == 1


def test_an_as_of_without_offset_is_read_in_the_deployment_time_zone(db: str, case: str) -> None:
    output = ok(BERLIN, "report", "sla", "--db", db, *PERIOD, "--as-of", "2026-11-21 09:00")
    assert "as of 2026-11-21 09:00:00+01:00" in output


@pytest.mark.parametrize(
    "args",
    [
        ["report", "sla", *PERIOD],
        ["report", "first-contact", *PERIOD],
        ["replay", "--policy", "{policy}", *PERIOD],
        ["show", "{case}"],
    ],
    ids=["sla", "first-contact", "replay", "show"],
)
def test_an_as_of_in_the_future_is_refused_as_the_api_refuses_it(
    db: str, case: str, args: list[str], tmp_path: Path
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(default_policy_text())
    filled = [a.replace("{policy}", str(policy)).replace("{case}", case) for a in args]
    result = run(SHANGHAI, *filled, "--db", db, "--as-of", LATER)
    assert result.exit_code == 2, result.output
    assert "--as-of:" in result.output
    assert "is in the future; nothing is known then yet" in result.output


def test_token_list_prints_when_each_token_was_made_in_the_deployment_time_zone(
    db: str,
) -> None:
    tokens = open_tokens(Settings.load({}, db=db))
    tokens.issue("desk-zhang", "agent")
    tokens.close()
    line = ok(BERLIN, "token", "list", "--db", db).strip()
    name, role, communities, created, state = line.split("\t")
    assert (name, role, communities, state) == ("desk-zhang", "agent", "*", "active")
    made = datetime.fromisoformat(created)
    assert made.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    assert abs(made - datetime.now(UTC)) < timedelta(minutes=5)


def test_restore_names_the_backup_s_time_in_the_deployment_time_zone(
    db: str, case: str, tmp_path: Path
) -> None:
    ok(BERLIN, "backup", "--db", db, "--to", str(tmp_path / "backup"))
    output = ok(BERLIN, "restore", "--db", db, "--from", str(tmp_path / "backup"), "--force")
    taken = output.split("from the backup of ", 1)[1].split("\n", 1)[0].strip()
    moment = datetime.fromisoformat(taken)
    assert moment.utcoffset() == timedelta(hours=1)
    assert abs(moment - datetime.now(UTC)) < timedelta(minutes=5)
