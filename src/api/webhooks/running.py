"""The deliverer as `propdesk serve` runs it, and the one-off test message an admin sends.

The test message (`propdesk webhook test`, `POST /webhooks/{id}/test`) is a notice of its
own type, `webhook.test`, about a made-up case: it shows a receiver what a notice looks
like and that the signature verifies, and it is not recorded as a delivery.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from zoneinfo import ZoneInfo

import httpx

from api.config.settings import DEFAULT_TIMEZONE, Settings
from api.storage.case_numbers import open_case_numbers
from api.webhooks.addresses import Resolver, resolve
from api.webhooks.attempts import post
from api.webhooks.deliverer import POLL_SECONDS, Deliverer
from api.webhooks.endpoints import Endpoint, endpoint
from api.webhooks.formats import message
from api.webhooks.labels import WEBHOOK_TEST
from api.wiring import open_notice_store_for
from projections.notices.kinds import Notice
from projections.notices.store import NoticeStore

MADE_UP_CASE = "00000000-0000-0000-0000-000000000000"


def http_client() -> httpx.Client:
    agent = f"propdesk-webhooks/{version('propdesk')}"
    return httpx.Client(headers={"user-agent": agent}, follow_redirects=False, trust_env=False)


def run_deliverer(
    settings: Settings, stop: threading.Event, wake: threading.Event | None = None
) -> None:
    """Delivers until `stop` is set; a round starts at once when `wake` is set (new
    notices in the outbox), else at the next poll."""
    logging.basicConfig(format="%(asctime)s %(message)s", level=logging.INFO)
    store = open_notice_store_for(settings)
    numbers = open_case_numbers(settings)
    client = http_client()
    deliverer = Deliverer(
        store,
        client,
        lambda: datetime.now(UTC),
        zone=settings.timezone,
        public_url=settings.public_url,
        number_of=numbers.number_of,
        wake=wake,
    )
    try:
        deliverer.run(stop, POLL_SECONDS)
    finally:
        deliverer.close()
        client.close()
        numbers.close()
        datastore = getattr(store, "datastore", None)
        if datastore is not None:
            datastore.close()


def send_test(
    store: NoticeStore,
    target: Endpoint | str,
    *,
    zone: ZoneInfo | None = None,
    public_url: str | None = None,
    client: httpx.Client | None = None,
    timeout: float = 10.0,
    resolver: Resolver = resolve,
) -> tuple[int | None, str | None]:
    """Sends the test message now; returns the answer's status (None: no answer) and what
    went wrong (None: it was accepted)."""
    found = endpoint(store, target) if isinstance(target, str) else target
    now = datetime.now(UTC)
    notice = made_up_notice(found, now)
    request = message(
        found,
        notice,
        "msg_test_" + secrets.token_hex(12),
        now,
        zone=zone or ZoneInfo(DEFAULT_TIMEZONE),
        public_url=public_url,
    )
    own = client is None
    sender = http_client() if client is None else client
    try:
        answer = post(sender, found, request, timeout=timeout, resolver=resolver)
    finally:
        if own:
            sender.close()
    return answer.status, answer.error


def made_up_notice(target: Endpoint, now: datetime) -> Notice:
    return Notice(
        sequence=0,
        id=f"{MADE_UP_CASE}/test/{secrets.token_hex(6)}",
        type=WEBHOOK_TEST,
        case_id=MADE_UP_CASE,
        community=target.communities[0] if target.communities else "default",
        kind="repair",
        milestone="dispatch",
        run=1,
        due_at=now + timedelta(minutes=30),
        at=now,
        emitted_at=now,
        late=False,
    )
