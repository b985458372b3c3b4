"""The notice store, opened for one command or test and closed after it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from api.config.settings import Settings
from api.wiring import open_notice_store_for
from projections.notices.store import NoticeStore


@contextmanager
def notice_store(settings: Settings) -> Iterator[NoticeStore]:
    store = open_notice_store_for(settings)
    try:
        yield store
    finally:
        close_notice_store(store)


def close_notice_store(store: NoticeStore) -> None:
    # Both implementations keep their connections in eventsourcing's datastore.
    datastore = getattr(store, "datastore", None)
    if datastore is not None:
        datastore.close()
