"""Read models built with one policy are not silently continued with another, and those of
an older table layout are upgraded or refused."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest

from api.config.settings import Settings
from api.wiring import open_follower, open_read_models
from projections.asof import Period
from projections.first_contact import first_contact_report
from projections.layout import PolicyMismatch
from projections.reports import sla_report
from projections.upgrades import LAYOUT_4_TYPES
from support.driver import SELF_SERVICE, WITH_REPORTER, paths_to_states, receive
from support.dumps import dump
from workflow.events import (
    CASE_EVENTS,
    Amended,
    CaseEvent,
    Claimed,
    Dispatched,
    Received,
    ReporterErased,
    ResolvedAtFirstContact,
    Urged,
)
from workflow.vocabulary import Kind

REPORTS = (sla_report, first_contact_report)


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
    with pytest.raises(PolicyMismatch, match=r"table layout 3, this version uses 8.*rebuild"):
        open_follower(settings, settings.policy)

    open_follower(settings, settings.policy, rebuilding=True).rebuild()
    rebuilt = open_follower(settings, settings.policy).store
    timeline = rebuilt.query("SELECT type, late FROM rm_timeline ORDER BY position")
    assert [(r["type"], r["late"]) for r in timeline] == [
        (Received.TOPIC, 0),
        (Dispatched.TOPIC, 1),
    ]
    stops = rebuilt.query("SELECT name, late_stop FROM rm_milestones WHERE name = 'dispatch'")
    assert [(r["name"], r["late_stop"]) for r in stops] == [("dispatch", 1)]


def test_read_models_of_layouts_4_to_7_are_upgraded_in_place(
    db: str,
) -> None:
    settings = Settings.load({}, db=db)
    follower = open_follower(settings, settings.policy)
    for kind in Kind:  # a case in every state of every kind: every event class
        paths_to_states(follower.app, kind.value)
        # and a self-service request, claimed
        follower.app.claim(receive(follower.app, kind.value, **SELF_SERVICE), actor="desk-1")
        # and one whose reporter's record was erased
        follower.app.erase_reporter(receive(follower.app, kind.value, **WITH_REPORTER), actor="it")
    follower.catch_up()
    expected = dump(follower.store)
    now = datetime.now(UTC)
    period = Period((now - timedelta(days=1)).date(), (now + timedelta(days=2)).date())
    reports = [build(follower.store, settings.policy, period, now) for build in REPORTS]
    assert sum(row["received"] for row in reports[1].rows) > 100

    # The read models as an older version left them: layout 4, whose timeline held each
    # event's class name, and whose case index had no community (nor had layout 5's), and
    # no policy version on a case or a milestone (nor had layout 6's), nor a description
    # or a reporter's reference (nor had layout 7's).
    # Events first recorded since (urges) keep their topic: an upgrade must leave them
    # as they are.
    notes = follower.app.recorder.select_notifications(start=1, limit=1_000_000)
    events = {n.id: cast(CaseEvent, follower.app.mapper.to_domain_event(n)) for n in notes}
    assert {type(e) for e in events.values()} == set(CASE_EVENTS)
    store = open_read_models(settings)
    with store._cursor(commit=True) as cursor:
        cursor.execute("DROP INDEX rm_case_index_community")
        cursor.execute("DROP INDEX rm_case_index_reporter")
        cursor.execute("ALTER TABLE rm_case_index DROP COLUMN description")
        cursor.execute("ALTER TABLE rm_case_index DROP COLUMN reporter_ref")
        cursor.execute("ALTER TABLE rm_case_index DROP COLUMN community")
        cursor.execute("ALTER TABLE rm_case_index DROP COLUMN policy_version")
        cursor.execute("ALTER TABLE rm_milestones DROP COLUMN policy_version")
        cursor.execute("ALTER TABLE rm_milestones DROP COLUMN policy_name")
        for position, event in events.items():
            if type(event).__name__ in LAYOUT_4_TYPES:
                cursor.execute(
                    store._sql("UPDATE rm_timeline SET type = ? WHERE position = ?"),
                    (type(event).__name__, position),
                )
    store.set_meta("schema", "4")
    stored = {row["type"] for row in store.query("SELECT DISTINCT type FROM rm_timeline")}
    newer = {cls.TOPIC for cls in CASE_EVENTS if cls.__name__ not in LAYOUT_4_TYPES}
    assert newer == {
        Urged.TOPIC,
        ResolvedAtFirstContact.TOPIC,
        Amended.TOPIC,
        Claimed.TOPIC,
        ReporterErased.TOPIC,
    }
    assert stored == {*LAYOUT_4_TYPES, *newer}

    upgraded = open_follower(settings, settings.policy).store
    assert upgraded.meta("schema") == "8"
    assert dump(upgraded) == expected
    assert [build(upgraded, settings.policy, period, now) for build in REPORTS] == reports
