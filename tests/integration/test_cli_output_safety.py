"""Stored values print as they are: text that looks like rich markup or emoji codes is never
interpreted, and no command fails on it; in CSV, text is never a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from uuid import UUID

import pytest
from click.testing import Result
from typer.testing import CliRunner

from api.cli.main import app
from api.config.settings import Settings
from api.storage.tokens import open_tokens
from api.wiring import open_service
from projections.policy import default_policy_text
from support.driver import receive
from support.old_events import recorded_before_the_rules
from workflow.service import CaseService

CLOSER = "[/bold]"
OPENER = "[red]"
EMOJI = ":thumbs_up:"
LINK = "[link=http://evil.example]x[/link]"
PERIOD = ["--from", "2026-01-01", "--to", "2099-01-01"]
FORMULAS = ("=1+2", "+1+2", "-1+2", "@SUM(A1)")


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A database whose case holds markup in every free-text field the command line shows."""
    db = str(tmp_path_factory.mktemp("markup") / "propdesk.db")
    service = open_service(Settings.load({}, db=db))

    def build(app: CaseService) -> UUID:
        case_id = receive(
            app, "repair", description=f"{OPENER} alarm {EMOJI}", note=f"{CLOSER} note"
        )
        app.dispatch(case_id, actor="desk-1", assignee="eng-1", note=EMOJI)
        return case_id

    # Names and locations keep to rules today that refuse markup; free texts do not, and
    # events recorded before the rules may hold it anywhere.
    case_id = recorded_before_the_rules(
        service,
        build,
        {
            1: {"received_by": CLOSER, "actor": CLOSER, "location": LINK},
            2: {"actor": CLOSER, "assignee": f"{OPENER}eng"},
        },
    )
    for formula in FORMULAS:
        recorded_before_the_rules(
            service,
            lambda app: receive(app, "repair"),
            {1: {"received_by": formula, "actor": formula}},
        )
    service.close()
    tokens = open_tokens(Settings.load({}, db=db))
    tokens.issue("desk-zhang", "agent")
    tokens.close()
    return db, str(case_id)


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


def printed_as_they_are(result: Result, *values: str) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "MarkupError" not in result.output
    for value in values:
        assert value in result.output, f"{value!r} not printed as it is:\n{result.output}"
    assert "👍" not in result.output


def test_show_prints_markup_in_stored_values_as_text(marked: tuple[str, str]) -> None:
    db, case_id = marked
    result = run("show", case_id, "--db", db)
    assert result.exit_code == 0, result.output
    printed_as_they_are(result, CLOSER, f"{OPENER} alarm {EMOJI}", LINK, f"{OPENER}eng")


def test_history_prints_markup_in_stored_values_as_text(marked: tuple[str, str]) -> None:
    db, case_id = marked
    result = run("history", case_id, "--db", db)
    assert result.exit_code == 0, result.output
    printed_as_they_are(result, CLOSER, f"{OPENER}eng", EMOJI, f"{CLOSER} note")


def test_the_first_contact_report_prints_a_staff_name_of_markup_as_text(
    marked: tuple[str, str],
) -> None:
    db, _ = marked
    result = run("report", "first-contact", "--db", db, *PERIOD)
    assert result.exit_code == 0, result.output
    printed_as_they_are(result, CLOSER)


def test_policy_names_of_markup_print_as_text_in_reports_and_replays(
    marked: tuple[str, str], tmp_path: Path
) -> None:
    db, _ = marked
    policy = tmp_path / "marked.toml"
    policy.write_text(
        default_policy_text().replace('name = "default (一级)"', f'name = "{OPENER} {EMOJI}"')
    )
    report = run("report", "sla", "--db", db, "--policy", str(policy), *PERIOD)
    assert report.exit_code == 0, report.output
    printed_as_they_are(report, f"{OPENER} {EMOJI}")
    replay = run("replay", "--policy", str(policy), "--db", db, *PERIOD)
    assert replay.exit_code == 0, replay.output
    printed_as_they_are(replay, f"{OPENER} {EMOJI}")


@pytest.mark.parametrize(
    "args",
    [
        ["show", CLOSER],
        ["history", OPENER],
        ["token", "revoke", CLOSER],
        ["token", "new", "desk-zhang", "--role", CLOSER],
        ["report", "sla", "--as-of", CLOSER],
    ],
    ids=["show", "history", "token-revoke", "token-new", "report-as-of"],
)
def test_errors_quoting_markup_the_user_typed_print_it_as_text(
    marked: tuple[str, str], args: list[str]
) -> None:
    db, _ = marked
    result = run(*args, "--db", db)
    assert result.exit_code == 2, result.output
    printed_as_they_are(result, next(a for a in args if a in (CLOSER, OPENER)))


def test_backup_names_a_target_of_markup_as_text(marked: tuple[str, str], tmp_path: Path) -> None:
    db, _ = marked
    target = tmp_path / f"{OPENER}backup"
    result = run("backup", "--db", db, "--to", str(target))
    assert result.exit_code == 0, result.output
    printed_as_they_are(result, OPENER)


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_written_as_text(
    marked: tuple[str, str],
) -> None:
    db, _ = marked
    result = run("report", "first-contact", "--db", db, *PERIOD, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = {row["staff"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert set(rows) == {CLOSER, *(f"'{formula}" for formula in FORMULAS)}
    # Counts stay numbers, unquoted.
    assert "\n'=1+2,1,1,1,0,0,0,0,0,\n" in result.stdout
    assert rows["'=1+2"]["received"] == "1"
