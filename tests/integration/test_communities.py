"""Every case belongs to a community: the default one where a deployment has only that,
one named at intake otherwise. Registrations are kept, never changed, on each backend."""

from __future__ import annotations

import subprocess
import sys

import pytest

from api.config.settings import Settings
from api.storage.communities import CommunityError, CommunityExists, open_communities
from api.wiring import open_follower
from support.driver import new_request
from workflow.errors import InvalidInput
from workflow.service import CaseService


def test_a_fresh_database_has_the_default_community_and_cases_belong_to_it(
    settings: Settings, service: CaseService
) -> None:
    communities = open_communities(settings)
    assert [(c.code, c.name) for c in communities.communities()] == [("default", "默认小区")]
    communities.close()
    case = service.receive(new_request("repair")).case
    assert case.community == "default"
    assert service.history(case.id)[0].data["community"] == "default"


def test_with_several_communities_intake_must_name_a_registered_one_and_writes_nothing_else(
    settings: Settings, service: CaseService
) -> None:
    communities = open_communities(settings)
    communities.register("sunny-garden", "阳光花园", by="it-chen")
    communities.close()
    before = service.recorder.max_notification_id()
    with pytest.raises(InvalidInput, match="required: this deployment has 2 communities"):
        service.receive(new_request("repair"))
    with pytest.raises(InvalidInput, match=r"unknown community 'lake-view'.*GET /communities"):
        service.receive(new_request("repair", community="lake-view"))
    with pytest.raises(InvalidInput, match="'Sunny' is not a community code"):
        service.receive(new_request("repair", community="Sunny"))
    assert service.recorder.max_notification_id() == before

    case = service.receive(new_request("repair", community="sunny-garden")).case
    assert service.get(case.id).community == "sunny-garden"


def test_a_community_registered_by_another_process_is_known_at_once_to_a_running_service(
    db: str, service: CaseService
) -> None:
    register = (
        "import sys; from api.config.settings import Settings;"
        " from api.storage.communities import open_communities;"
        " open_communities(Settings.load({}, db=sys.argv[1]))"
        ".register('lake-view', '湖畔', by='it-chen')"
    )
    assert service.receive(new_request("repair")).case.community == "default"
    subprocess.run([sys.executable, "-c", register, db], check=True)
    case = service.receive(new_request("repair", community="lake-view")).case
    assert case.community == "lake-view"


def test_a_registration_is_kept_as_written_and_a_second_one_of_a_code_is_refused(
    settings: Settings,
) -> None:
    communities = open_communities(settings)
    first = communities.register("sunny-garden", "阳光花园", by="it-chen")
    with pytest.raises(CommunityExists, match="'sunny-garden' exists already"):
        communities.register("sunny-garden", "别的名字", by="it-chen")
    for code, name, why in [
        ("Sunny", "x", "not a community code"),
        ("a" * 41, "x", "not a community code"),
        ("ok", "", "must not be empty"),
        ("ok", "x", "a staff name"),
    ]:
        by = "it chen" if why == "a staff name" else "it-chen"
        with pytest.raises(CommunityError, match=why):
            communities.register(code, name, by=by)
    assert [c for c in communities.communities() if c.code == "sunny-garden"] == [first]
    assert (first.version, first.policy_name) == (1, None)
    communities.close()


def test_the_read_models_carry_each_case_s_community(settings: Settings) -> None:
    communities = open_communities(settings)
    communities.register("sunny-garden", "阳光花园", by="it-chen")
    follower = open_follower(settings, settings.policy)
    sunny = follower.app.receive(new_request("repair", community="sunny-garden"))
    default = follower.app.receive(new_request("complaint", community="default"))
    follower.catch_up()
    rows = follower.store.query("SELECT case_id, community FROM rm_case_index")
    assert {(r["case_id"], r["community"]) for r in rows} == {
        (str(sunny.case.id), "sunny-garden"),
        (str(default.case.id), "default"),
    }
    communities.close()
