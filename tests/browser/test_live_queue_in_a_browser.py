"""The queue in Chromium listens to the live stream of notices: a notice for a case
recorded meanwhile brings the case into the open queue within seconds, without a reload,
and a milestone's warning appears above the table, in Chinese."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from api.config.settings import Settings
from api.storage.tokens import open_tokens
from api.wiring import open_notice_store_for
from projections.notices.kinds import BREACHED, CASE_RECEIVED
from projections.notices.store import INSERT_NOTICE, NoticeStore
from support.browser_server import EAST, OpenAs, SeededConsole
from support.request_bodies import BODIES

SOON_MS = 5000  # well before the table's own refresh, every 30 seconds


@pytest.fixture
def outbox(workbench: SeededConsole) -> Iterator[NoticeStore]:
    store = open_notice_store_for(Settings.load({}, db=workbench.db))
    yield store
    store.datastore.close()


def recorded(workbench: SeededConsole) -> dict[str, Any]:
    """A new case, sent over HTTP as a desk would, once the read models hold it."""
    tokens = open_tokens(Settings.load({}, db=workbench.db))
    try:
        auth = {"Authorization": f"Bearer {tokens.issue('desk-live', 'agent')}"}
    finally:
        tokens.close()
    with httpx.Client(base_url=workbench.base, headers=auth, timeout=30) as client:
        body = {**BODIES["repair"], "community": EAST, "location": "9-9-909"}
        answer = client.post("/requests", json=body)
        assert answer.status_code == 201, answer.text
        position = answer.headers["x-event-position"]
        assert client.get("/requests", params={"min_position": position}).status_code == 200
    case: dict[str, Any] = answer.json()
    return case


def notice(store: NoticeStore, case_id: str, type_: str, milestone: str | None) -> None:
    now = int(time.time() * 1_000_000)
    row = (f"{case_id}/{milestone}/1/{type_}", type_, case_id, EAST, "repair", milestone, 1)
    store.execute([(INSERT_NOTICE, [(*row, now if milestone else None, now, now, 0)])])


def test_a_notice_brings_a_new_case_into_the_open_queue_without_a_reload(
    work_as: OpenAs, workbench: SeededConsole, outbox: NoticeStore
) -> None:
    page = work_as("supervisor")
    page.goto("/console/cases?sort=received")
    page.evaluate("window.stayed = true")  # gone if the page were loaded again
    case = recorded(workbench)
    row = page.locator(f'table.cases tr[data-case="{case["id"]}"]')
    expect(row).to_have_count(0)
    notice(outbox, case["id"], CASE_RECEIVED, None)
    expect(row).to_have_count(1, timeout=SOON_MS)
    notice(outbox, case["id"], BREACHED, "dispatch")
    warning = page.locator("#live .warning")
    expect(warning).to_have_count(1, timeout=SOON_MS)
    expect(warning).to_contain_text("已超时")
    expect(warning).to_contain_text(case["number"])
    expect(warning).to_contain_text("派单")
    assert page.evaluate("window.stayed") is True
