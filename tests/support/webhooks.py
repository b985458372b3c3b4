"""What the webhook tests share: a notice store on the test's database, endpoints added a
minute before the clock's time, and a deliverer on them with a test clock."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx

from api.config.settings import Settings
from api.webhooks.deliverer import Deliverer
from api.webhooks.deliveries import Delivery
from api.webhooks.delivery_log import deliveries
from api.webhooks.endpoints import Endpoint, add_endpoint
from api.wiring import open_notice_store_for
from projections.notices.store import NoticeStore
from support.webhook_receiver import Clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
ALL_TYPES = ("milestone.at_risk", "milestone.breached", "case.received")


@contextmanager
def notice_store(settings: Settings) -> Iterator[NoticeStore]:
    store = open_notice_store_for(settings)
    try:
        yield store
    finally:
        store.datastore.close()  # type: ignore[attr-defined]  # both stores have one


def endpoint_at(
    store: NoticeStore,
    clock: Clock,
    url: str,
    *,
    fmt: str = "json",
    events: Sequence[str] = ALL_TYPES,
    communities: Sequence[str] = (),
    robot_secret: str | None = None,
) -> Endpoint:
    return add_endpoint(
        store,
        url,
        events,
        fmt=fmt,
        communities=communities,
        robot_secret=robot_secret,
        allow_private=True,
        by="admin",
        now=clock.now - timedelta(minutes=1),
    )


@contextmanager
def deliverer(store: NoticeStore, clock: Clock, **options: object) -> Iterator[Deliverer]:
    client = httpx.Client()
    made = Deliverer(store, client, clock, zone=SHANGHAI, **options)  # type: ignore[arg-type]
    try:
        yield made
    finally:
        made.close()
        client.close()


def deliveries_of(store: NoticeStore, endpoint: Endpoint) -> list[Delivery]:
    return [d for d in deliveries(store, limit=1000) if d.endpoint_id == endpoint.id]
