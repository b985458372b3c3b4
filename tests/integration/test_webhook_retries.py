"""What a deliverer does with receivers that do not take a notice: a 500 is tried again
with growing waits for a day and then given up; a 410 disables its endpoint and fails its
pending deliveries; a robot's nonzero errcode is a failure; a receiver that hangs is given
up on at the timeout while the others are delivered; on each backend."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from api.config.settings import Settings
from api.webhooks.endpoints import endpoint
from api.webhooks.retries import RETRY_PERIOD
from projections.notices.store import NoticeStore
from support.webhook_receiver import Clock, Receiver, put_notice
from support.webhooks import deliverer, deliveries_of, endpoint_at, notice_store

CASE = "5d0c8d9e-0000-4000-8000-000000000002"


@pytest.fixture
def store(settings: Settings) -> Iterator[NoticeStore]:
    with notice_store(settings) as opened:
        yield opened


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver().serving() as serving:
        yield serving


def test_a_500_is_tried_again_with_growing_waits_and_given_up_a_day_after_the_first_try(
    store: NoticeStore, receiver: Receiver
) -> None:
    clock = Clock()
    target = endpoint_at(store, clock, receiver.base + "/fail")
    put_notice(store, case_id=CASE, emitted_at=clock.now)
    started = clock.now
    waits: list[float] = []
    with deliverer(store, clock, jitter=lambda ceiling: ceiling) as sending:
        sending.step()
        while (delivery := deliveries_of(store, target)[0]).status == "pending":
            assert delivery.next_attempt_at is not None
            waits.append((delivery.next_attempt_at - clock.now).total_seconds())
            clock.now = delivery.next_attempt_at
            sending.step()
    assert waits[:4] == [5, 10, 20, 40]
    assert waits == sorted(waits[:-1]) + waits[-1:]  # growing, but for the last, cut short
    assert max(waits) == 3600
    assert delivery.status == "failed"
    assert delivery.first_attempt_at == started
    assert delivery.last_attempt_at == started + RETRY_PERIOD
    assert (delivery.attempts, delivery.last_status) == (len(waits) + 1, 500)
    assert delivery.last_error == "HTTP 500"
    assert len(receiver.to("/fail")) == delivery.attempts


def test_full_jitter_draws_each_wait_under_its_ceiling(
    store: NoticeStore, receiver: Receiver
) -> None:
    clock = Clock()
    target = endpoint_at(store, clock, receiver.base + "/fail")
    put_notice(store, case_id=CASE, emitted_at=clock.now)
    ceilings: list[float] = []

    def lowest(ceiling: float) -> float:
        ceilings.append(ceiling)
        return 0.0

    with deliverer(store, clock, jitter=lowest) as sending:
        for _ in range(3):
            sending.step()
            (delivery,) = deliveries_of(store, target)
            assert delivery.next_attempt_at == clock.now + timedelta(seconds=1)  # the floor
            clock.advance(1)
    assert ceilings == [5, 10, 20]


def test_a_410_disables_the_endpoint_and_fails_its_pending_deliveries(
    store: NoticeStore, receiver: Receiver
) -> None:
    clock = Clock()
    target = endpoint_at(store, clock, receiver.base + "/gone")
    for n in range(3):
        put_notice(store, case_id=f"{CASE[:-1]}{n}", emitted_at=clock.now)
    with deliverer(store, clock, per_endpoint=1, workers=1) as sending:
        sending.step()
        sending.step()
    assert len(receiver.to("/gone")) == 1
    assert endpoint(store, target.id).disabled_at == clock.now
    found = deliveries_of(store, target)
    assert [d.status for d in found] == ["failed"] * 3
    assert sorted(d.last_status for d in found if d.last_status) == [410]


def test_a_robot_answering_200_with_a_nonzero_errcode_is_tried_again(
    store: NoticeStore, receiver: Receiver
) -> None:
    clock = Clock()
    target = endpoint_at(store, clock, receiver.base + "/robot-refuses?key=k", fmt="wecom")
    put_notice(store, case_id=CASE, emitted_at=clock.now)
    with deliverer(store, clock) as sending:
        sending.step()
    (delivery,) = deliveries_of(store, target)
    assert (delivery.status, delivery.last_status) == ("pending", 200)
    assert delivery.last_error == "errcode 310000: sign not match"


def test_a_hanging_receiver_times_out_while_the_others_are_delivered(
    store: NoticeStore, receiver: Receiver
) -> None:
    clock = Clock()
    hanging = endpoint_at(store, clock, receiver.base + "/hang")
    answering = endpoint_at(store, clock, receiver.base + "/ok")
    for n in range(6):
        put_notice(store, case_id=f"{CASE[:-1]}{n}", emitted_at=clock.now)
    stop = threading.Event()
    with deliverer(store, clock, timeout=2.0, workers=4, per_endpoint=2) as sending:
        running = threading.Thread(target=sending.run, args=(stop, 0.05))
        began = time.monotonic()
        running.start()
        try:
            while [d.status for d in deliveries_of(store, answering)] != ["delivered"] * 6:
                assert time.monotonic() - began < 1.5, "the hanging receiver held the others"
                time.sleep(0.02)
            assert [d.attempts for d in deliveries_of(store, hanging)] == [0] * 6
            while 0 in [d.attempts for d in deliveries_of(store, hanging)]:
                assert time.monotonic() - began < 15
                time.sleep(0.05)
        finally:
            stop.set()
            running.join()
    late = deliveries_of(store, hanging)
    assert {d.status for d in late} == {"pending"}
    assert {d.last_error for d in late} == {"no answer in 2 s"}
