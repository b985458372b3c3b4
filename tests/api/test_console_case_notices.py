"""The case page lists the notices sent for its case, on each backend: each notice's type
and milestone by their labels, its due and sent times, and the late mark; never another
case's notices."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from api.storage.users import UserStore
from api.wiring import open_notice_store_for
from projections.notices.kinds import AT_RISK, BREACHED, CASE_RECEIVED
from projections.notices.store import INSERT_NOTICE, NoticeStore
from support.api_client import Api
from support.console import sign_in

ROW = re.compile(r'<tr data-notice="([a-z_.]+)">(.*?)</tr>', re.S)
DUE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SENT = datetime(2026, 11, 30, 9, 0, 7, tzinfo=UTC)


def micros(moment: datetime) -> int:
    return int(moment.timestamp()) * 1_000_000


@pytest.fixture
def notices(api_on: Api) -> Iterator[NoticeStore]:
    store = open_notice_store_for(api_on.config.settings)
    yield store
    store.datastore.close()


def followed(store: NoticeStore, case_id: str) -> None:
    """Wait until the server's follower has taken the case's receipt into the outbox."""
    deadline = time.monotonic() + 20
    while not [n for n in store.notices_for_case(case_id) if n.type == CASE_RECEIVED]:
        assert time.monotonic() < deadline, "the case's receipt never reached the outbox"
        time.sleep(0.05)


def sent(store: NoticeStore, case_id: str, type_: str, milestone: str | None, late: bool) -> None:
    due = micros(DUE) if milestone else None
    at, emitted = micros(DUE), micros(SENT)
    row = (f"{case_id}/{milestone}/1/{type_}", type_, case_id, "default", "repair", milestone)
    store.execute([(INSERT_NOTICE, [(*row, 1, due, at, emitted, int(late))])])


def test_the_case_page_lists_the_notices_of_its_case_and_no_others(
    api_on: Api, users: UserStore, notices: NoticeStore
) -> None:
    case_id, other_id = api_on.create("repair")["id"], api_on.create("repair")["id"]
    followed(notices, case_id)  # its `case.received`, from the server's own follower
    sent(notices, case_id, AT_RISK, "dispatch", late=False)
    sent(notices, case_id, BREACHED, "dispatch", late=True)
    sent(notices, other_id, BREACHED, "on_site", late=False)
    sign_in(api_on.client, users, "boss-liu", "supervisor")
    page = api_on.client.get(f"/console/cases/{case_id}")
    assert page.status_code == 200, page.text
    rows = ROW.findall(page.text)
    assert [t for t, _ in rows] == [CASE_RECEIVED, AT_RISK, BREACHED]
    received, at_risk, breached = (cells for _, cells in rows)
    assert "受理" in received
    assert "即将超时" in at_risk
    assert "派单" in at_risk
    assert "2026-11-30 17:00" in at_risk  # due, in Asia/Shanghai
    assert "2026-11-30 17:00:07" in at_risk  # sent
    assert "迟发" not in at_risk
    assert "已超时" in breached
    assert "迟发" in breached
    assert "到场" not in page.text.split('id="h-notices"')[1]  # the other case's milestone


def test_a_case_without_notices_says_so(
    api_on: Api, users: UserStore, notices: NoticeStore
) -> None:
    case_id = api_on.create("repair")["id"]
    followed(notices, case_id)
    notices.execute([("DELETE FROM nt_outbox WHERE case_id = ?", [(case_id,)])])
    sign_in(api_on.client, users, "boss-liu", "supervisor")
    page = api_on.client.get(f"/console/cases/{case_id}?lang=en")
    assert page.status_code == 200, page.text
    assert "No notice has been sent for this case." in page.text
    assert "data-notice" not in page.text
