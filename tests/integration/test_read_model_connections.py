"""The follower's connection to SQLite read models: durable enough, with a page cache
large enough for index pages spread over the whole file."""

from __future__ import annotations

from pathlib import Path

from api.settings import Settings
from api.wiring import open_follower
from projections.store import WRITER_CACHE_KIB, SQLiteReadModelStore
from support.driver import receive


def test_the_writing_connection_keeps_a_larger_page_cache_and_normal_sync(
    tmp_path: Path,
) -> None:
    settings = Settings.load({}, db=str(tmp_path / "p.db"))
    follower = open_follower(settings, settings.policy)
    receive(follower.app, "repair")
    follower.catch_up()
    store = follower.store
    assert isinstance(store, SQLiteReadModelStore)
    with store._cursor(commit=True) as cursor:
        raw = cursor.sqlite_cursor.connection
        assert raw.execute("PRAGMA cache_size").fetchone()[0] == -WRITER_CACHE_KIB
        assert raw.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert WRITER_CACHE_KIB > 2000  # above SQLite's default of 2,000 KiB
