"""The webhook registry and the deliveries' log in the notice store, on each backend:
endpoints added, read back, disabled and removed; a refused one writes nothing; the log
newest first, by status."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.config.settings import Settings
from api.webhooks.addresses import UnsafeAddress, WebhookError
from api.webhooks.delivery_log import deliveries
from api.webhooks.endpoints import (
    UnknownEndpoint,
    add_endpoint,
    disable_endpoint,
    endpoint,
    endpoints,
    remove_endpoint,
)
from api.webhooks.stores import notice_store
from projections.notices.store import NoticeStore
from projections.times import to_micros

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def public(host: str, port: int) -> Sequence[str]:
    return [host] if host[0].isdigit() else ["93.184.216.34"]


@pytest.fixture
def store(db: str) -> Iterator[NoticeStore]:
    with notice_store(Settings.load({}, db=db)) as opened:
        yield opened


def add(
    store: NoticeStore,
    url: str = "https://hooks.example.com/n",
    now: datetime = NOW,
    **options: Any,
) -> str:
    found = add_endpoint(
        store, url, ["milestone.breached"], by="it-chen", now=now, resolver=public, **options
    )
    return found.id


def record_delivery(
    store: NoticeStore, webhook_id: str, endpoint_id: str, status: str, minute: int
) -> None:
    """A delivery as the worker records it."""
    store.execute(
        [
            (
                "INSERT INTO wh_deliveries (webhook_id, endpoint_id, notice_id, notice_sequence,"
                " type, case_id, status, attempts, created_at, next_attempt_at,"
                " last_attempt_at, last_status, last_error, delivered_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        webhook_id,
                        endpoint_id,
                        f"case-1/v{minute}/case.closed",
                        minute,
                        "case.closed",
                        "case-1",
                        status,
                        1,
                        to_micros(NOW + timedelta(minutes=minute)),
                        to_micros(NOW + timedelta(minutes=minute + 1))
                        if status == "pending"
                        else None,
                        to_micros(NOW + timedelta(minutes=minute)),
                        500 if status != "delivered" else 200,
                        "HTTP 500" if status != "delivered" else None,
                        to_micros(NOW) if status == "delivered" else None,
                    )
                ],
            )
        ]
    )


def test_an_added_endpoint_is_read_back_as_it_was_added(store: NoticeStore) -> None:
    added = add_endpoint(
        store,
        "https://oapi.dingtalk.com/robot/send?access_token=t0k",
        ["case.closed", "milestone.breached", "case.closed"],
        fmt="dingtalk",
        communities=["east"],
        robot_secret="SECabc",
        known_communities={"default", "east"},
        by="it-chen",
        now=NOW,
        resolver=public,
    )
    assert added.events == ("case.closed", "milestone.breached")  # repeats dropped
    assert endpoint(store, added.id) == added
    assert endpoints(store) == [added]
    assert added.active
    assert (added.created_by, added.created_at) == ("it-chen", NOW)


def test_a_refused_endpoint_writes_nothing(store: NoticeStore) -> None:
    with pytest.raises(UnsafeAddress):
        add(store, "http://10.0.0.5/hook")
    with pytest.raises(WebhookError, match="unknown community"):
        add(store, communities=["north"], known_communities={"default"})
    assert endpoints(store) == []


def test_endpoints_are_listed_in_the_order_they_were_added(store: NoticeStore) -> None:
    first = add(store)
    later = NOW + timedelta(seconds=1)  # ids are random: the time orders them
    second = add(store, "http://10.0.0.5/hook", later, allow_private=True)
    assert [e.id for e in endpoints(store)] == [first, second]
    assert first != second


def test_a_disabled_endpoint_keeps_the_first_reason(store: NoticeStore) -> None:
    found = add(store)
    disable_endpoint(store, found, "410 Gone", NOW)
    disable_endpoint(store, found, "later", NOW + timedelta(hours=1))
    disabled = endpoint(store, found)
    assert (disabled.active, disabled.disabled_at, disabled.disabled_reason) == (
        False,
        NOW,
        "410 Gone",
    )


def test_removing_an_endpoint_fails_its_pending_deliveries_and_keeps_the_log(
    store: NoticeStore,
) -> None:
    found, other = add(store), add(store)
    record_delivery(store, "msg_1", found, "delivered", 1)
    record_delivery(store, "msg_2", found, "pending", 2)
    record_delivery(store, "msg_3", other, "pending", 3)
    assert remove_endpoint(store, found).id == found
    with pytest.raises(UnknownEndpoint, match=found):
        endpoint(store, found)
    with pytest.raises(UnknownEndpoint):
        remove_endpoint(store, found)
    statuses = {d.webhook_id: (d.status, d.last_error) for d in deliveries(store)}
    assert statuses == {
        "msg_1": ("delivered", None),
        "msg_2": ("failed", "the endpoint was removed"),
        "msg_3": ("pending", "HTTP 500"),
    }


def test_the_log_is_newest_first_by_status_and_paged(store: NoticeStore) -> None:
    found = add(store)
    for minute, status in enumerate(("delivered", "failed", "pending", "failed", "delivered")):
        record_delivery(store, f"msg_{minute}", found, status, minute)
    assert [d.webhook_id for d in deliveries(store)] == [f"msg_{m}" for m in (4, 3, 2, 1, 0)]
    assert [d.webhook_id for d in deliveries(store, status="failed")] == ["msg_3", "msg_1"]
    assert [d.webhook_id for d in deliveries(store, limit=2, offset=2)] == ["msg_2", "msg_1"]
    failed = deliveries(store, status="failed")[0]
    assert (failed.attempts, failed.last_status, failed.last_error) == (1, 500, "HTTP 500")
    assert failed.created_at == NOW + timedelta(minutes=3)
    with pytest.raises(WebhookError, match="allowed: pending, delivered, failed"):
        deliveries(store, status="lost")
