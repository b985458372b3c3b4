"""Read models built with one policy are not silently continued with another."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from api.settings import Settings
from api.wiring import open_follower, open_read_models
from projections.follower import PolicyMismatch
from support.driver import receive


def test_switching_the_live_policy_requires_a_rebuild(tmp_path: Path) -> None:
    settings = Settings.load({}, db=str(tmp_path / "p.db"))
    follower = open_follower(settings, settings.policy)
    receive(follower.app, "repair")
    follower.catch_up()
    stricter = dataclasses.replace(settings.policy, name="stricter", milestones=())
    with pytest.raises(PolicyMismatch, match=r"built with policy 'default .*'.* rebuild"):
        open_follower(settings, stricter)
    open_follower(settings, stricter, rebuilding=True).rebuild()
    assert open_follower(settings, stricter).store.meta("policy_name") == "stricter"


def test_read_models_of_another_table_layout_ask_for_a_rebuild(tmp_path: Path) -> None:
    settings = Settings.load({}, db=str(tmp_path / "p.db"))
    follower = open_follower(settings, settings.policy)
    receive(follower.app, "complaint")
    follower.catch_up()
    open_read_models(settings).set_meta("schema", "0")
    with pytest.raises(PolicyMismatch, match=r"table layout 0.*projections rebuild"):
        open_follower(settings, settings.policy)
