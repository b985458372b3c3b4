"""`propdesk demo` simulates a company: three communities of different sizes, a central
hotline receiving for all of them, and each community's own front desk and engineers."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import cast

import pytest
from rich.console import Console
from typer.testing import CliRunner

from api.cli.demo import print_summary, run_demo
from api.cli.main import app as cli
from api.config.settings import Settings
from api.simulation.simulator import Scenario
from api.simulation.sites import company_sites
from api.simulation.world import DESK_AGENTS, ENGINEERS, INSPECTORS
from api.storage.communities import open_communities
from api.wiring import open_read_models, open_service
from workflow.events import CaseEvent, Dispatched, Received


def test_three_communities_take_half_three_tenths_and_a_fifth_of_the_households() -> None:
    sites = company_sites(2000, 3)
    assert [(s.code, s.households) for s in sites] == [
        ("sunny-garden", 1000),
        ("lakeside", 600),
        ("pine-court", 400),
    ]
    assert sum(s.households for s in company_sites(2001, 20)) == 2001
    assert company_sites(2000, 1) == ()  # one community: the deployment's default
    with pytest.raises(ValueError, match="1 to 20 communities"):
        company_sites(2000, 21)


def test_the_company_demo_registers_its_communities_and_each_works_its_own_cases(
    tmp_path: Path,
) -> None:
    db = tmp_path / "company.db"
    sites = company_sites(300, 3)
    scenario = Scenario(households=300, days=7, seed=5, communities=sites)
    settings = Settings.load({}, db=str(db))
    result = run_demo(settings, scenario, console=Console(file=io.StringIO()))
    registry = open_communities(settings)
    try:
        assert set(registry.refresh()) == {"default", *(s.code for s in sites)}
    finally:
        registry.close()
    app = open_service(settings)
    try:
        last = app.recorder.max_notification_id() or 0
        notes = app.recorder.select_notifications(start=1, limit=last + 1)
        events = [cast(CaseEvent, app.mapper.to_domain_event(n)) for n in notes]
    finally:
        app.close()
    community_of = {e.originator_id: e.community for e in events if isinstance(e, Received)}
    per_community = Counter(community_of.values())
    assert set(per_community) == {s.code for s in sites}
    assert per_community["sunny-garden"] > per_community["pine-court"]
    for event in events:
        code = community_of[event.originator_id]
        if isinstance(event, Received):
            desk = (f"desk-{code}-1", f"desk-{code}-2")
            if event.channel in ("walk_in", "mailbox"):
                assert event.received_by in desk
            elif event.received_by is None:  # a resident's own request, claimed later
                assert event.channel in ("wechat", "web")
            else:
                assert event.received_by in (*DESK_AGENTS, *INSPECTORS)  # the hotline, patrols
        if isinstance(event, Dispatched) and event.team == "engineering":
            assert event.assignee.endswith(f"-{code}") or event.assignee == "review-hu"
            assert event.assignee.removesuffix(f"-{code}") in (*ENGINEERS, "review-hu")
    shown = io.StringIO()
    print_summary(Console(file=shown, width=200), result)
    table = shown.getvalue()
    assert "cases by community (小区)" in table
    for site in sites:
        assert site.code in table
        assert site.name in table


def test_the_demo_command_reports_each_community_then_the_company(tmp_path: Path) -> None:
    db = tmp_path / "propdesk.db"
    args = ["demo", "--households", "600", "--days", "4", "--seed", "3", "--db", str(db)]
    ran = CliRunner().invoke(cli, args, env={"COLUMNS": "220"})
    assert ran.exit_code == 0, ran.output
    assert "sla report by community" in ran.output
    assert "first-contact report by community" in ran.output
    assert "全部" in ran.output  # the company-wide block
    # The smallest community's contract moved to 二级 halfway through the four days.
    assert "pine-court from" in ran.output
    assert "'level-2 (二级)' (version 2)" in ran.output
    store = open_read_models(Settings.load({}, db=str(db)))
    try:
        rows = store.query(
            "SELECT c.community, m.policy_version FROM rm_milestones m"
            " JOIN rm_case_index c ON c.case_id = m.case_id"
        )
    finally:
        store.datastore.close()  # type: ignore[attr-defined]
    judged = {(r["community"], r["policy_version"]) for r in rows}
    assert ("pine-court", 0) in judged
    assert ("pine-court", 2) in judged
    assert {v for c, v in judged if c != "pine-court"} == {0}
    single = CliRunner().invoke(cli, [*args, "--communities", "1"], env={"COLUMNS": "220"})
    assert single.exit_code == 0, single.output
    assert "cases by community" not in single.output
    assert "by community" not in single.output
