"""SQLite read models: the follower's connection and the tables' layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.config.settings import Settings
from api.wiring import open_follower
from projections.follower import Follower
from projections.schema import TABLES
from projections.store import WRITER_CACHE_KIB, SQLiteReadModelStore
from support.driver import receive

CASE_TABLES = ("rm_case_index", "rm_milestones")


@pytest.fixture
def follower(tmp_path: Path) -> Follower:
    """A follower on a fresh SQLite file, its read models not yet written."""
    settings = Settings.load({}, db=str(tmp_path / "p.db"))
    return open_follower(settings, settings.policy)


def test_the_writing_connection_keeps_a_larger_page_cache_and_normal_sync(
    follower: Follower,
) -> None:
    receive(follower.app, "repair")
    follower.catch_up()
    store = follower.store
    assert isinstance(store, SQLiteReadModelStore)
    with store._cursor(commit=True) as cursor:
        raw = cursor.sqlite_cursor.connection
        assert raw.execute("PRAGMA cache_size").fetchone()[0] == -WRITER_CACHE_KIB
        assert raw.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert WRITER_CACHE_KIB > 2000  # above SQLite's default of 2,000 KiB


def test_the_case_tables_append_rows_in_order_rather_than_by_random_case_id(
    follower: Follower,
) -> None:
    receive(follower.app, "repair")
    follower.catch_up()
    marks = ", ".join("?" for _ in CASE_TABLES)
    for row in follower.store.query(
        f"SELECT name, sql FROM sqlite_master WHERE name IN ({marks})", CASE_TABLES
    ):
        assert "WITHOUT ROWID" not in row["sql"].upper(), row["name"]
    # Each is still keyed by its case id: a unique index stands in for the clustering.
    (found,) = follower.store.query(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
        f"({marks}) AND name LIKE 'sqlite_autoindex_%'",
        CASE_TABLES,
    )
    assert found["n"] == len(CASE_TABLES)


def test_read_models_in_the_older_clustered_layout_keep_working(follower: Follower) -> None:
    store = follower.store
    assert isinstance(store, SQLiteReadModelStore)
    with store._cursor(commit=True) as cursor:
        for table, ddl in zip(CASE_TABLES, TABLES[:2], strict=True):
            assert f"EXISTS {table} " in ddl  # the case index, then the milestones
            cursor.execute(f"DROP TABLE {table}")
            cursor.execute(ddl + " WITHOUT ROWID")
    first = receive(follower.app, "repair")
    second = receive(follower.app, "complaint")
    follower.catch_up()
    rows = store.query("SELECT case_id, kind FROM rm_case_index ORDER BY kind", ())
    assert [(r["case_id"], r["kind"]) for r in rows] == [
        (str(second), "complaint"),
        (str(first), "repair"),
    ]
    assert store.query("SELECT COUNT(*) AS n FROM rm_milestones", ())[0]["n"] > 0
