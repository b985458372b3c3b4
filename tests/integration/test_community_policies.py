"""A community's own policy from a day on: milestones that start from then are judged under
it, those that started before keep the policy in force when they started, and recording
a policy re-scores nothing, live or rebuilt. On both backends.

Times are Asia/Shanghai. Emergency repairs: dispatch within 10 min under the default
policy (一级), within 15 min under level 2 (二级).
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from uuid import UUID

import pytest

from api.storage.communities import CommunityStore
from projections.asof import Period
from projections.community_policy import community_policy
from projections.policy import Policy, default_policy_text
from projections.reports import sla_report
from support.dumps import dump
from support.readside import Scenario, shanghai

PINE = "pine-court"
LEVEL_2 = "level-2 (二级)"
DEFAULT = "default (一级)"


def level_2(deployment: Policy) -> tuple[Policy, str]:
    from importlib.resources import files

    text = files("projections").joinpath("policies/level-2.toml").read_text(encoding="utf-8")
    return community_policy(text, "level-2.toml", deployment), text


@pytest.fixture
def scenario(db: str) -> Scenario:
    found = Scenario(db)
    registry(found).register(PINE, "松苑", by="test")
    return found


def registry(scenario: Scenario) -> CommunityStore:
    return cast(CommunityStore, scenario.app.communities)


def emergency(scenario: Scenario, when: str, community: str, dispatched: str) -> UUID:
    case = scenario.receive(when, "repair", priority="emergency", community=community)
    scenario.do(dispatched, "dispatch", case, assignee="eng-wang")
    return case


def milestones(scenario: Scenario) -> dict[tuple[str, str], tuple[Any, ...]]:
    scenario.follower.catch_up()
    rows = scenario.follower.store.query(
        "SELECT case_id, name, status, policy_name, policy_version FROM rm_milestones"
    )
    return {
        (str(r["case_id"]), str(r["name"])): (r["status"], r["policy_name"], r["policy_version"])
        for r in rows
    }


def test_milestones_starting_from_the_day_are_judged_under_the_new_policy_and_no_earlier_one(
    scenario: Scenario,
) -> None:
    before = emergency(scenario, "2026-11-01T10:00", PINE, "2026-11-01T10:12")
    scenario.follower.catch_up()  # the live follower meets the policy only once recorded
    own, text = level_2(scenario.settings.policy)
    registry(scenario).set_policy(
        PINE, own, text, date(2026, 11, 2), by="it-chen", at=shanghai("2026-11-01T12:00")
    )
    for step in ("sign", "arrive"):
        scenario.do("2026-11-02T08:50", step, before, actor="eng-wang")
    scenario.do("2026-11-02T09:00", "complete", before, actor="eng-wang", resolution="fixed")
    after = emergency(scenario, "2026-11-02T10:00", PINE, "2026-11-02T10:12")
    elsewhere = emergency(scenario, "2026-11-02T10:00", "default", "2026-11-02T10:12")

    found = milestones(scenario)
    # Started before the day: the default policy's 10 minutes, breached at 12.
    assert found[str(before), "dispatch"] == ("breached", DEFAULT, 0)
    # Its callback started on the day, at completion: level 2.
    assert found[str(before), "callback"][1:] == (LEVEL_2, 2)
    assert found[str(after), "dispatch"] == ("met", LEVEL_2, 2)
    assert found[str(elsewhere), "dispatch"] == ("breached", DEFAULT, 0)

    report = sla_report(
        scenario.follower.store,
        scenario.follower.current_policy(),
        Period(date(2026, 10, 1), date(2026, 12, 1)),
        shanghai("2026-11-03T00:00"),
        (PINE,),
    )
    dispatch = next(
        r for r in report.rows if r["priority"] == "emergency" and r["milestone"] == "dispatch"
    )
    assert (dispatch["met"], dispatch["breached"]) == (1, 1)
    versions = report.document()["policy"]["communities"]
    assert versions == [
        {"community": PINE, "version": 2, "name": LEVEL_2, "from": "2026-11-02T00:00:00+08:00"}
    ]
    # As of before the policy was recorded, it did not exist: nothing names it.
    earlier = sla_report(
        scenario.follower.store,
        scenario.follower.current_policy(),
        Period(date(2026, 10, 1), date(2026, 12, 1)),
        shanghai("2026-11-01T11:00"),
        (PINE,),
    )
    assert "communities" not in earlier.document()["policy"]


def test_recording_a_policy_re_scores_nothing_live_or_rebuilt(scenario: Scenario) -> None:
    for day in ("2026-11-02", "2026-11-03"):
        emergency(scenario, f"{day}T10:00", PINE, f"{day}T10:12")
    scenario.follower.catch_up()
    untouched = dump(scenario.follower.store)
    own, text = level_2(scenario.settings.policy)
    # Recorded after all of it, from that day: not one milestone started since.
    registry(scenario).set_policy(
        PINE, own, text, date(2026, 11, 3), by="it-chen", at=shanghai("2026-11-03T12:00")
    )
    scenario.follower.catch_up()
    assert dump(scenario.follower.store) == untouched
    scenario.follower.rebuild()
    assert dump(scenario.follower.store) == untouched


def test_a_rebuild_judges_every_milestone_as_the_live_follower_did(scenario: Scenario) -> None:
    first = emergency(scenario, "2026-11-01T10:00", PINE, "2026-11-01T10:12")
    scenario.follower.catch_up()
    own, text = level_2(scenario.settings.policy)
    registry(scenario).set_policy(
        PINE, own, text, date(2026, 11, 2), by="it-chen", at=shanghai("2026-11-01T12:00")
    )
    scenario.do("2026-11-02T08:50", "sign", first, actor="eng-wang")
    emergency(scenario, "2026-11-02T10:00", PINE, "2026-11-02T10:12")
    scenario.follower.catch_up()
    live = dump(scenario.follower.store)
    assert {r["policy_version"] for r in live["rm_milestones"]} == {0, 2}
    scenario.follower.rebuild()
    assert dump(scenario.follower.store) == live


def test_a_community_policy_keeps_the_deployments_calendar(scenario: Scenario) -> None:
    deployment = scenario.settings.policy
    own, _ = level_2(deployment)
    assert (own.opens, own.closes, own.years) == (
        deployment.opens,
        deployment.closes,
        deployment.years,
    )
    other = default_policy_text().replace('opens = "08:30"', 'opens = "09:00"')
    with pytest.raises(ValueError, match=r"\[calendar\] differs from the deployment's policy"):
        community_policy(other, "other.toml", deployment)
