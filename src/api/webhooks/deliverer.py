"""The deliverer: makes deliveries from the outbox and sends those due, concurrently.

Each round (every half second when idle) fans new notices out, then starts the due
deliveries on a bounded pool of threads, at most a few per endpoint at a time; each
attempt's outcome is recorded by the thread that made it. An attempt ends within its
timeout, and an endpoint holds at most `per_endpoint` of the threads, so a receiver that
hangs delays only its own deliveries. Delivery is at least once: a crash between an
answer and its record sends that delivery again, with the same webhook-id.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx

from api.webhooks import deliveries
from api.webhooks.addresses import Resolver, resolve
from api.webhooks.attempts import DELIVERED, GONE, Answer, post
from api.webhooks.deliveries import FAILED, PENDING, Delivery
from api.webhooks.endpoints import Endpoint, disable_endpoint, endpoints
from api.webhooks.formats import Message, message
from api.webhooks.retries import Jitter, full_jitter, next_attempt
from projections.notices.store import NoticeStore

log = logging.getLogger("propdesk.webhooks")
Clock = Callable[[], datetime]
POLL_SECONDS = 0.5


class Deliverer:
    def __init__(
        self,
        store: NoticeStore,
        client: httpx.Client,
        clock: Clock,
        *,
        zone: ZoneInfo,
        public_url: str | None = None,
        number_of: Callable[[str], str | None] | None = None,
        workers: int = 8,
        per_endpoint: int = 2,
        timeout: float = 10.0,
        batch: int = 500,
        jitter: Jitter = full_jitter,
        resolver: Resolver = resolve,
        wake: threading.Event | None = None,
    ) -> None:
        """`wake`: set when a round should start at once; each attempt that ends sets it,
        and so may whoever puts notices into the outbox (the follower in this process)."""
        self.store, self.client, self.clock = store, client, clock
        self.zone, self.public_url, self.number_of = zone, public_url, number_of
        self.workers, self.per_endpoint, self.timeout = workers, per_endpoint, timeout
        self.batch, self.jitter, self.resolver = batch, jitter, resolver
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="propdesk-webhook")
        self._busy: dict[str, str] = {}  # webhook_id -> endpoint_id, of attempts under way
        self._lock = threading.Lock()
        # Set as each attempt ends (its thread, and its endpoint's turn, are free again) and
        # as new notices arrive, so the next round starts at once rather than after the poll.
        self.wake = wake or threading.Event()

    def round(self) -> list[Future[None]]:
        """Fans out what the outbox holds new, then starts the due deliveries it can."""
        while deliveries.fan_out(self.store, self.clock(), self.batch) == self.batch:
            pass
        return self._start_due(self.clock())

    def step(self) -> None:
        """One round, waiting for the attempts it started (for tests and `webhook test`)."""
        wait(self.round())

    def run(self, stop: threading.Event, poll_seconds: float = POLL_SECONDS) -> None:
        while not stop.is_set():
            try:
                self.round()
            except Exception as error:  # the database away for a while: try again
                log.warning("webhooks: a delivery round failed: %s", error)
            self.wake.wait(poll_seconds)
            self.wake.clear()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _start_due(self, now: datetime) -> list[Future[None]]:
        with self._lock:
            busy = dict(self._busy)
        free = self.workers - len(busy)
        if free <= 0:
            return []
        waiting = deliveries.due(self.store, now, limit=len(busy) + 4 * self.workers)
        if not waiting:
            return []
        targets = {e.id: e for e in endpoints(self.store)}
        per_endpoint = Counter(busy.values())
        started: list[Future[None]] = []
        for delivery in waiting:
            if len(started) >= free:
                break
            if (
                delivery.webhook_id in busy
                or per_endpoint[delivery.endpoint_id] >= self.per_endpoint
            ):
                continue
            target = targets.get(delivery.endpoint_id)
            request = self._message(delivery, target, now)
            if target is None or request is None:
                continue
            per_endpoint[target.id] += 1
            with self._lock:
                self._busy[delivery.webhook_id] = target.id
            started.append(self._pool.submit(self._attempt, delivery, target, request))
        return started

    def _message(
        self, delivery: Delivery, target: Endpoint | None, now: datetime
    ) -> Message | None:
        """The request for this attempt; None, and the delivery failed, when it has none."""
        notice = deliveries.notice_for(self.store, delivery)
        if target is None or not target.active or notice is None:
            why = (
                "the notice is no longer in the outbox"
                if notice is None
                else ("the endpoint was removed" if target is None else "the endpoint is disabled")
            )
            deliveries.abandon(self.store, delivery, why)
            return None
        number = self.number_of(notice.case_id) if self.number_of else None
        return message(
            target,
            notice,
            delivery.webhook_id,
            now,
            zone=self.zone,
            public_url=self.public_url,
            number=number,
        )

    def _attempt(self, delivery: Delivery, target: Endpoint, request: Message) -> None:
        try:
            answer = post(
                self.client, target, request, timeout=self.timeout, resolver=self.resolver
            )
            self._settle(delivery, target, answer)
        except Exception:  # recorded nothing: the delivery stays due and is tried again
            log.exception("webhooks: delivery %s to %s", delivery.webhook_id, target.id)
        finally:
            with self._lock:
                self._busy.pop(delivery.webhook_id, None)
            self.wake.set()

    def _settle(self, delivery: Delivery, target: Endpoint, answer: Answer) -> None:
        now = self.clock()
        status, error = answer.status, answer.error
        if answer.outcome == DELIVERED:
            deliveries.record(
                self.store, delivery, now=now, status=status, error=None, outcome=DELIVERED
            )
            return
        where = f"{target.id} ({target.redacted_url()})"
        if answer.outcome == GONE:
            deliveries.record(
                self.store, delivery, now=now, status=status, error=error, outcome=FAILED
            )
            disable_endpoint(self.store, target.id, "it answered 410 Gone", now)
            deliveries.give_up_endpoint(
                self.store, target.id, "the endpoint answered 410 Gone and was disabled"
            )
            log.warning("webhooks: %s answered 410 Gone; it is disabled", where)
            return
        first = delivery.first_attempt_at or now
        retry_at = next_attempt(first, delivery.attempts + 1, now, self.jitter)
        outcome = PENDING if retry_at is not None else FAILED
        deliveries.record(
            self.store,
            delivery,
            now=now,
            status=status,
            error=error,
            outcome=outcome,
            retry_at=retry_at,
        )
        then = f"again at {retry_at:%Y-%m-%d %H:%M:%S} UTC" if retry_at else "given up"
        log.warning("webhooks: %s to %s failed (%s); %s", delivery.webhook_id, where, error, then)
