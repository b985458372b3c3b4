"""The case index holds each case's description as last corrected and its reporter's
record's reference (never the record): kept by the follower, read alike by a rebuild, and
filled from the event log when read models of layout 7, which held neither, are upgraded;
on each backend."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.config.settings import Settings
from api.wiring import open_follower, open_read_models
from projections.store import ReadModelStore
from support.driver import receive
from support.dumps import dump
from workflow.intake import reporter_ref_for
from workflow.personal_data import Reporter
from workflow.service import CaseService


def texts(store: ReadModelStore) -> dict[str, tuple[Any, Any]]:
    rows = store.query("SELECT case_id, description, reporter_ref FROM rm_case_index")
    return {str(r["case_id"]): (r["description"], r["reporter_ref"]) for r in rows}


def corrected_cases(app: CaseService) -> tuple[UUID, UUID]:
    called = receive(app, "repair", description="厨房漏水", reporter=Reporter("王先生", "138"))
    walked_in = receive(app, "complaint", description="noise at night")
    app.amend(called, actor="desk-1", description="卫生间漏水, not the kitchen", reason="misheard")
    app.amend(called, actor="desk-1", location="3-2-1202", reason="the unit next door")
    app.amend(walked_in, actor="desk-1", category="security", reason="the right category")
    return called, walked_in


def test_the_follower_keeps_the_last_description_and_a_rebuild_reads_it_alike(db: str) -> None:
    settings = Settings.load({}, db=db)
    follower = open_follower(settings, settings.policy)
    called, walked_in = corrected_cases(follower.app)
    follower.catch_up()
    assert texts(follower.store) == {
        str(called): ("卫生间漏水, not the kitchen", reporter_ref_for(called)),
        str(walked_in): ("noise at night", None),
    }
    # The timeline keeps no description: a correction of one alone holds nothing there.
    values = follower.store.query("SELECT value FROM rm_timeline ORDER BY position")
    assert [r["value"] for r in values][2:] == [
        None,
        '{"location": ["3-2-1201", "3-2-1202"]}',
        '{"category": ["environment", "security"]}',
    ]
    followed = dump(follower.store)
    open_follower(settings, settings.policy, follower.app, rebuilding=True).rebuild()
    assert dump(open_read_models(settings)) == followed


def test_read_models_of_layout_7_are_filled_from_the_log_as_the_follower_fills_them(
    db: str,
) -> None:
    settings = Settings.load({}, db=db)
    follower = open_follower(settings, settings.policy)
    called, walked_in = corrected_cases(follower.app)
    follower.catch_up()
    expected = dump(follower.store)
    # After the position the read models reached: the follower applies it after the upgrade.
    later = receive(follower.app, "repair", description="lift stuck", reporter=Reporter("李", "1"))

    # The read models as the previous version left them: no description, no reference.
    store = open_read_models(settings)
    with store._cursor(commit=True) as cursor:
        cursor.execute("DROP INDEX rm_case_index_reporter")
        cursor.execute("ALTER TABLE rm_case_index DROP COLUMN description")
        cursor.execute("ALTER TABLE rm_case_index DROP COLUMN reporter_ref")
    store.set_meta("schema", "7")

    upgraded = open_follower(settings, settings.policy)
    assert upgraded.store.meta("schema") == "8"
    assert dump(upgraded.store) == expected
    assert texts(upgraded.store)[str(called)] == (
        "卫生间漏水, not the kitchen",
        reporter_ref_for(called),
    )
    assert "rm_case_index_reporter" in indexes(upgraded.store)
    upgraded.catch_up()
    assert texts(upgraded.store)[str(later)] == ("lift stuck", reporter_ref_for(later))
    assert texts(upgraded.store)[str(walked_in)] == ("noise at night", None)


def indexes(store: ReadModelStore) -> set[str]:
    if store.dialect == "postgresql":
        rows = store.query(
            "SELECT indexname AS name FROM pg_indexes WHERE tablename = ?", ["rm_case_index"]
        )
    else:
        rows = store.query(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
            ["rm_case_index"],
        )
    return {str(r["name"]) for r in rows}
