"""Reports for some communities count their cases alone, on each backend, from the
library, the command line and HTTP alike; a misspelt community is refused, not counted
as nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.config.settings import Settings
from api.storage.communities import open_communities
from api.wiring import open_follower
from projections.asof import Period
from projections.first_contact import first_contact_report
from projections.reports import sla_report
from support.driver import new_request


@pytest.fixture
def two_communities(settings: Settings) -> dict[str, list[str]]:
    """Cases received by desk-a in sunny-garden and by desk-b in lake-view."""
    registry = open_communities(settings)
    for code in ("sunny-garden", "lake-view"):
        registry.register(code, code, by="it-chen")
    registry.close()
    follower = open_follower(settings, settings.policy)
    made: dict[str, list[str]] = {"sunny-garden": [], "lake-view": []}
    for code, desk, count in (("sunny-garden", "desk-a", 3), ("lake-view", "desk-b", 2)):
        for _ in range(count):
            request = new_request("repair", community=code, received_by=desk)
            made[code].append(str(follower.app.receive(request).case.id))
    follower.catch_up()
    return made


def _period() -> Period:
    today = datetime.now(UTC).date()
    return Period(today - timedelta(days=2), today + timedelta(days=2))


def test_a_report_for_some_communities_counts_their_cases_alone(
    settings: Settings, two_communities: dict[str, list[str]]
) -> None:
    store = open_follower(settings, settings.policy).store
    now = datetime.now(UTC)

    def received(*communities: str) -> dict[str, int]:
        chosen = communities or None
        report = first_contact_report(store, settings.policy, _period(), now, chosen)
        assert report.document()["communities"] == (list(communities) or None)
        return {row["staff"]: row["received"] for row in report.rows}

    assert received() == {"desk-a": 3, "desk-b": 2}
    assert received("lake-view") == {"desk-b": 2}
    assert received("lake-view", "sunny-garden") == {"desk-a": 3, "desk-b": 2}
    sla = sla_report(store, settings.policy, _period(), now, ("sunny-garden",))
    dispatch = next(r for r in sla.rows if r["milestone"] == "dispatch")
    assert dispatch["met"] + dispatch["breached"] + dispatch["pending"] == 3
    assert sla_report(store, settings.policy, _period(), now, ()).rows == []


def test_the_command_line_reports_one_community_and_refuses_an_unknown_one(
    db: str, two_communities: dict[str, list[str]]
) -> None:
    runner = CliRunner()
    args = ["report", "first-contact", "--db", db, "--format", "json", "--community"]
    shown = runner.invoke(app, [*args, "lake-view"])
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.stdout)
    assert document["communities"] == ["lake-view"]
    assert [(r["staff"], r["received"]) for r in document["rows"]] == [("desk-b", 2)]
    unknown = runner.invoke(app, [*args, "lake-veiw"])
    assert unknown.exit_code == 2
    assert "unknown community 'lake-veiw'" in unknown.stderr


def test_the_table_says_which_communities_it_counts(
    db: str, two_communities: dict[str, list[str]]
) -> None:
    shown = CliRunner().invoke(
        app,
        ["report", "sla", "--db", db, "--community", "lake-view"],
        env={"COLUMNS": "200"},
    )
    assert shown.exit_code == 0, shown.output
    assert "sla report: cases in lake-view received" in shown.stdout
