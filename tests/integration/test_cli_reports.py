"""The read side's command line: reports in three forms, replay, projections, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.config.settings import Settings
from api.simulation.simulator import Scenario, simulate
from projections.policy import default_policy_text
from support.late_entries import two_late_repairs
from support.readside import Scenario as ReadScenario

PERIOD = ["--from", "2026-11-01", "--to", "2026-11-27"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("cli") / "demo.db")
    simulate(Settings.load({}, db=db), Scenario(households=300, days=20, seed=5))
    return db


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_and_csv_carry_the_same_rows_and_fields(demo_db: str) -> None:
    document = json.loads(invoke("report", "sla", "--db", demo_db, *PERIOD, "--format", "json"))
    table = list(
        csv.DictReader(
            io.StringIO(invoke("report", "sla", "--db", demo_db, *PERIOD, "--format", "csv"))
        )
    )
    assert document["policy"]["name"] == "default (一级)"
    assert document["period"] == {
        "from": "2026-11-01",
        "to": "2026-11-27",
        "timezone": "Asia/Shanghai",
    }
    assert document["calendar_estimated"] is False
    assert [tuple(r) for r in document["rows"]] == [tuple(r) for r in table]
    assert [r["met"] for r in document["rows"]] == [int(r["met"]) for r in table]
    assert sum(r["met"] + r["breached"] for r in document["rows"]) > 0


def test_the_table_form_names_the_period_policy_and_every_column(demo_db: str) -> None:
    output = invoke("report", "first-contact", "--db", demo_db, *PERIOD)
    for column in (
        "staff",
        "received",
        "owned",
        "open",
        "closed",
        "overdue",
        "handed_over",
        "resolved_at_first_contact",
        "urged",
        "satisfaction_rate",
    ):
        assert column in output
    assert "2026-11-01 to 2026-11-27" in output
    assert "default (一级)" in output


def test_replay_with_the_live_policy_prints_no_differences(demo_db: str) -> None:
    live = Path(demo_db).with_name("live.toml")
    live.write_text(default_policy_text())
    output = invoke("replay", "--policy", str(live), "--db", demo_db, *PERIOD)
    assert output.rstrip().endswith("no differences")
    document = json.loads(
        invoke("replay", "--policy", str(live), "--db", demo_db, *PERIOD, "--format", "json")
    )
    assert document["differences"] == []


def test_replay_with_a_stricter_policy_shows_what_changes(demo_db: str) -> None:
    stricter = Path(demo_db).with_name("strict.toml")
    stricter.write_text(
        default_policy_text()
        .replace('target = "30m"', 'target = "5m"')
        .replace('name = "default (一级)"', 'name = "strict"')
    )
    document = json.loads(
        invoke("replay", "--policy", str(stricter), "--db", demo_db, *PERIOD, "--format", "json")
    )
    changed = {(d["kind"], d["priority"], d["milestone"]) for d in document["differences"]}
    assert ("repair", "normal", "dispatch") in changed
    row = next(
        d
        for d in document["differences"]
        if d["milestone"] == "dispatch" and d["priority"] == "normal" and d["kind"] == "repair"
    )
    assert row["candidate_breached"] > row["live_breached"]
    assert document["candidate"]["policy"]["name"] == "strict"


def test_a_broken_policy_file_is_reported_without_a_traceback(demo_db: str) -> None:
    broken = Path(demo_db).with_name("broken.toml")
    broken.write_text('name = "x"\neffective = 2026-01-01\n[[milestone]]\nname = "dispatch"\n')
    result = CliRunner().invoke(app, ["report", "sla", "--db", demo_db, "--policy", str(broken)])
    assert result.exit_code == 2
    assert "broken.toml" in result.output
    assert "milestone 1 (dispatch): `kind` is required" in result.output
    assert "Traceback" not in result.output


def test_rebuild_shows_progress_and_the_rate(demo_db: str) -> None:
    output = invoke("projections", "rebuild", "--db", demo_db)
    assert "rebuilt from" in output
    assert "events/s" in output


def test_a_bad_date_is_refused_with_the_format_expected(demo_db: str) -> None:
    result = CliRunner().invoke(app, ["report", "sla", "--db", demo_db, "--from", "2026-13-01"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_late_stops_appear_in_every_form_of_the_sla_report_and_the_replay(
    db: str, tmp_path: Path
) -> None:
    scenario = ReadScenario(db)
    two_late_repairs(scenario)
    scenario.app.close()
    window = ["--db", db, "--from", "2026-11-21", "--to", "2026-11-23"]
    window += ["--as-of", "2026-11-22T12:00:00+08:00"]
    document = json.loads(invoke("report", "sla", *window, "--format", "json"))
    late = {r["milestone"]: r["late_stops"] for r in document["rows"]}
    assert late == {"dispatch": 0, "on_site": 1, "completion": 1, "callback": 0}
    rows = list(csv.DictReader(io.StringIO(invoke("report", "sla", *window, "--format", "csv"))))
    assert {r["milestone"]: int(r["late_stops"]) for r in rows} == late
    assert "late_stops" in invoke("report", "sla", *window)
    # What-if: three hours on site instead of thirty minutes; the late stop stays one.
    policy = tmp_path / "on-site-3h.toml"
    policy.write_text(
        default_policy_text().replace(
            'stop = ["arrived"]\ntarget = "30m"', 'stop = ["arrived"]\ntarget = "3h"'
        )
    )
    replayed = json.loads(invoke("replay", "--policy", str(policy), *window, "--format", "json"))
    on_site = next(d for d in replayed["differences"] if d["milestone"] == "on_site")
    assert (on_site["live_breached"], on_site["candidate_breached"]) == (1, 0)
    assert (on_site["live_late_stops"], on_site["candidate_late_stops"]) == (1, 1)
    assert "late_stops" in invoke("replay", "--policy", str(policy), *window)
