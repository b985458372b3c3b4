"""Communities over HTTP: every token lists them, admins register them, intake names one
where there are several, and cases are found by community."""

from __future__ import annotations

from datetime import datetime
from importlib.resources import files

import pytest

from projections.calendar import SHANGHAI
from support.api_client import Api
from support.request_bodies import BODIES

SUNNY = {"code": "sunny-garden", "name": "阳光花园"}


def admin(api: Api) -> dict[str, str]:
    return api.auth("it-chen", "admin")


def test_every_role_lists_the_communities_and_only_an_admin_registers_one(api: Api) -> None:
    listed = api.client.get("/communities", headers=api.analyst)
    assert listed.status_code == 200, listed.text
    assert [(c["code"], c["name"], c["policy_from"]) for c in listed.json()] == [
        ("default", "默认小区", None)
    ]
    refused = api.client.post("/communities", json=SUNNY, headers=api.supervisor)
    assert refused.status_code == 403, refused.text
    added = api.client.post("/communities", json=SUNNY, headers=admin(api))
    assert added.status_code == 201, added.text
    assert added.json()["policy"] == api.config.settings.policy.name
    again = api.client.post("/communities", json=SUNNY, headers=admin(api))
    assert again.status_code == 409, again.text
    assert again.json()["type"].endswith("/community-exists")
    codes = [c["code"] for c in api.client.get("/communities", headers=api.agent).json()]
    assert codes == ["default", "sunny-garden"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"code": "Sunny", "name": "x"}, "body.code"),
        ({"code": "sunny", "name": ""}, "body.name"),
        ({"code": "sunny", "name": "x", "policy": "name = 1"}, "policy"),
        ({"code": "sunny", "name": "x", "extra": 1}, "body.extra"),
    ],
)
def test_a_malformed_registration_is_refused_with_what_is_wrong_and_registers_nothing(
    api: Api, body: dict[str, object], says: str
) -> None:
    refused = api.client.post("/communities", json=body, headers=admin(api))
    assert refused.status_code == 422, refused.text
    assert says in refused.json()["detail"]
    assert len(api.client.get("/communities", headers=api.agent).json()) == 1


def test_intake_names_a_registered_community_once_there_are_several(api: Api) -> None:
    assert api.create()["community"] == "default"  # one community: it need not be named
    api.client.post("/communities", json=SUNNY, headers=admin(api))
    head = api.head()
    missing = api.client.post("/requests", json=_body(), headers=api.agent)
    assert missing.status_code == 422, missing.text
    assert "required: this deployment has 2 communities" in missing.json()["detail"]
    unknown = api.client.post("/requests", json=_body(community="lake"), headers=api.agent)
    assert unknown.status_code == 422, unknown.text
    assert "unknown community 'lake'" in unknown.json()["detail"]
    assert "GET /communities" in unknown.json()["detail"]
    assert api.head() == head

    case = api.create(community="sunny-garden")
    assert case["community"] == "sunny-garden"
    shown = api.client.get(f"/requests/{case['id']}", headers=api.supervisor).json()
    assert shown["community"] == "sunny-garden"
    history = api.client.get(f"/requests/{case['id']}/history", headers=api.supervisor).json()
    assert history["events"][0]["data"]["community"] == "sunny-garden"


def test_cases_are_found_by_one_community_or_several(api: Api) -> None:
    api.client.post("/communities", json=SUNNY, headers=admin(api))
    api.client.post("/communities", json={"code": "lake", "name": "湖畔"}, headers=admin(api))
    made = {code: api.create(community=code)["id"] for code in ("default", "sunny-garden", "lake")}
    position = api.head()

    def found(query: str) -> set[str]:
        answer = api.client.get(
            f"/requests?{query}&min_position={position}", headers=api.supervisor
        )
        assert answer.status_code == 200, answer.text
        return {item["id"] for item in answer.json()["items"]}

    assert found("community=lake") == {made["lake"]}
    assert found("community=lake&community=default") == {made["lake"], made["default"]}
    assert found("community=nowhere") == set()
    bad = api.client.get("/requests?community=Not%20A%20Code", headers=api.supervisor)
    assert bad.status_code == 422, bad.text


def test_the_event_feed_carries_the_community_of_a_received_case(api: Api) -> None:
    api.client.post("/communities", json=SUNNY, headers=admin(api))
    case = api.create(community="sunny-garden")
    feed = api.client.get("/events", headers=api.analyst).json()
    received = [e for e in feed["events"] if e["case_id"] == case["id"]]
    assert received[0]["data"]["community"] == "sunny-garden"


def _body(**overrides: object) -> dict[str, object]:
    return {**BODIES["repair"], **overrides}


def test_reports_count_the_cases_of_the_communities_asked_for(api: Api) -> None:
    api.client.post("/communities", json=SUNNY, headers=admin(api))
    api.create(community="sunny-garden")
    api.create(community="sunny-garden")
    api.create(community="default")
    position = api.head()

    def received(query: str) -> tuple[object, int]:
        answer = api.client.get(
            f"/reports/first-contact?min_position={position}{query}", headers=api.supervisor
        )
        assert answer.status_code == 200, answer.text
        document = answer.json()
        return document["communities"], sum(row["received"] for row in document["rows"])

    assert received("") == (None, 3)
    assert received("&community=sunny-garden") == (["sunny-garden"], 2)
    assert received("&community=default&community=sunny-garden") == (
        ["default", "sunny-garden"],
        3,
    )
    unknown = api.client.get("/reports/sla?community=lake", headers=api.supervisor)
    assert unknown.status_code == 422, unknown.text
    assert "unknown community 'lake'" in unknown.json()["detail"]


def test_an_admin_sets_a_communitys_policy_and_new_cases_are_judged_under_it(api: Api) -> None:
    level_2 = files("projections").joinpath("policies/level-2.toml").read_text(encoding="utf-8")
    today = datetime.now(SHANGHAI).date().isoformat()
    api.client.post("/communities", json=SUNNY, headers=admin(api))
    path = "/communities/sunny-garden/policy"
    refusals = [
        ("/communities/north/policy", {"policy": level_2, "from": today}, 404, "no community"),
        (path, {"policy": level_2, "from": "2020-01-01"}, 422, "is before today"),
        (path, {"policy": "name = ", "from": today}, 422, "not valid TOML"),
        (path, {"policy": level_2}, 422, "body.from"),
    ]
    for where, body, status, says in refusals:
        refused = api.client.post(where, json=body, headers=admin(api))
        assert refused.status_code == status, refused.text
        assert says in refused.json()["detail"]
    forbidden = api.client.post(
        path, json={"policy": level_2, "from": today}, headers=api.supervisor
    )
    assert forbidden.status_code == 403, forbidden.text
    listed = {c["code"]: c for c in api.client.get("/communities", headers=api.agent).json()}
    assert (listed["sunny-garden"]["policy_version"], listed["sunny-garden"]["policy_from"]) == (
        0,
        None,
    )

    done = api.client.post(path, json={"policy": level_2, "from": today}, headers=admin(api))
    assert done.status_code == 200, done.text
    assert (done.json()["policy"], done.json()["policy_version"]) == ("level-2 (二级)", 2)
    assert done.json()["policy_from"] == today
    body = {**_body(), "priority": "emergency", "community": "sunny-garden"}
    created = api.client.post("/requests", json=body, headers=api.agent)
    assert created.status_code == 201, created.text
    dispatch = next(m for m in created.json()["milestones"] if m["name"] == "dispatch")
    assert dispatch["target"] == "15m"  # level 2's; the default's is 10m
    elsewhere = api.client.post(
        "/requests", json={**body, "community": "default"}, headers=api.agent
    )
    assert (
        next(m for m in elsewhere.json()["milestones"] if m["name"] == "dispatch")["target"]
        == "10m"
    )
