"""Read models built with one policy are not silently continued with another."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
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


def test_read_models_built_before_late_entries_ask_for_a_rebuild_which_adds_them(
    db: str,
) -> None:
    settings = Settings.load({}, db=db)
    follower = open_follower(settings, settings.policy)
    now = datetime.now(UTC)
    case_id = receive(follower.app, "repair", received_at=now - timedelta(hours=2))
    follower.app.dispatch(
        case_id, actor="desk-1", assignee="eng-wang", at=now - timedelta(hours=1), late_reason="x"
    )
    follower.catch_up()
    # The read models as the previous version left them: layout 3, no late columns.
    store = open_read_models(settings)
    with store._cursor(commit=True) as cursor:
        cursor.execute("ALTER TABLE rm_timeline DROP COLUMN late")
        cursor.execute("ALTER TABLE rm_milestones DROP COLUMN late_stop")
    store.set_meta("schema", "3")
    with pytest.raises(PolicyMismatch, match=r"table layout 3, this version uses 4.*rebuild"):
        open_follower(settings, settings.policy)

    open_follower(settings, settings.policy, rebuilding=True).rebuild()
    rebuilt = open_follower(settings, settings.policy).store
    timeline = rebuilt.query("SELECT type, late FROM rm_timeline ORDER BY position")
    assert [(r["type"], r["late"]) for r in timeline] == [("Received", 0), ("Dispatched", 1)]
    stops = rebuilt.query("SELECT name, late_stop FROM rm_milestones WHERE name = 'dispatch'")
    assert [(r["name"], r["late_stop"]) for r in stops] == [("dispatch", 1)]
