"""The intake writer: one thread that saves the waiting requests together and answers each."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any

import pytest

from api.http.group_commit import IntakeWriter, WriterClosed
from support.driver import new_request
from workflow.errors import CaseNotFound, InvalidInput
from workflow.intake import NewRequest, case_id_for
from workflow.receiving import Prepared
from workflow.service import CaseService, Recorded

WAIT = 10.0  # seconds: a bound on every wait, never expected to run out


class HeldFirstBatch:
    """Wraps the service's `receive_prepared`: records each batch's size and holds the
    first batch until `release`, so that the requests sent meanwhile queue behind it."""

    def __init__(self, service: CaseService, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sizes: list[int] = []
        self.started = threading.Event()
        self._release = threading.Event()
        real = service.receive_prepared

        def receive_prepared(requests: Sequence[Prepared]) -> list[Recorded | Exception]:
            self.sizes.append(len(requests))
            if len(self.sizes) == 1:
                self.started.set()
                self._release.wait(WAIT)
            return real(requests)

        monkeypatch.setattr(service, "receive_prepared", receive_prepared)

    def release(self) -> None:
        self._release.set()


@pytest.fixture
def held(memory_app: CaseService, monkeypatch: pytest.MonkeyPatch) -> HeldFirstBatch:
    return HeldFirstBatch(memory_app, monkeypatch)


def keyed(key: str) -> NewRequest:
    return new_request("repair", idempotency_key=key, description=f"request {key}")


def stored_count(service: CaseService) -> int:
    return service.recorder.max_notification_id() or 0


def test_many_threads_submitting_at_once_are_all_answered_with_their_own_case(
    memory_app: CaseService, held: HeldFirstBatch
) -> None:
    writer = IntakeWriter(memory_app)
    threads, per_thread = 8, 10
    barrier = threading.Barrier(threads)
    futures: dict[str, Future[Recorded]] = {}

    def client(t: int) -> None:
        barrier.wait()
        for i in range(per_thread):
            key = f"t{t}-{i}"
            futures[key] = writer.submit(keyed(key), f"desk-{t}")

    workers = [threading.Thread(target=client, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(WAIT)
    held.release()
    try:
        answers = {key: f.result(timeout=WAIT) for key, f in futures.items()}
    finally:
        writer.close()

    assert len(answers) == threads * per_thread
    for key, answer in answers.items():
        assert answer.created
        assert answer.case.id == case_id_for("phone", key)
        assert answer.case.description == f"request {key}"
        assert memory_app.get(answer.case.id).description == f"request {key}"
    assert sum(held.sizes) == threads * per_thread
    assert max(held.sizes) > 1  # requests that waited together were saved together
    assert len(held.sizes) < threads * per_thread
    assert stored_count(memory_app) == threads * per_thread


def test_a_refused_request_hears_its_error_at_once_and_the_requests_around_it_are_recorded(
    memory_app: CaseService, held: HeldFirstBatch
) -> None:
    writer = IntakeWriter(memory_app)
    try:
        first = writer.submit(keyed("first"), None)
        assert held.started.wait(WAIT)
        before = writer.submit(keyed("before"), None)
        bad = writer.submit(new_request("repair", category="no such category"), None)
        assert isinstance(bad.exception(timeout=0), InvalidInput)  # while the batch is held
        after = writer.submit(keyed("after"), None)
        held.release()
        recorded = [f.result(timeout=WAIT).case.id for f in (first, before, after)]
    finally:
        writer.close()

    assert held.sizes == [1, 2]  # the refused request never waited for a batch
    assert recorded == [case_id_for("phone", k) for k in ("first", "before", "after")]
    assert stored_count(memory_app) == 3


def test_a_batch_holds_at_most_the_batch_limit(
    memory_app: CaseService, held: HeldFirstBatch
) -> None:
    writer = IntakeWriter(memory_app, batch_limit=3)
    try:
        futures = [writer.submit(keyed("limit-0"), None)]
        assert held.started.wait(WAIT)
        futures += [writer.submit(keyed(f"limit-{i}"), None) for i in range(1, 11)]
        held.release()
        answers = [f.result(timeout=WAIT) for f in futures]
    finally:
        writer.close()

    assert held.sizes == [1, 3, 3, 3, 1]
    assert [a.case.id for a in answers] == [case_id_for("phone", f"limit-{i}") for i in range(11)]


def test_close_answers_every_request_queued_before_it(
    memory_app: CaseService, held: HeldFirstBatch
) -> None:
    writer = IntakeWriter(memory_app)
    futures = [writer.submit(keyed("queued-0"), None)]
    assert held.started.wait(WAIT)
    futures += [writer.submit(keyed(f"queued-{i}"), None) for i in range(1, 6)]
    closer = threading.Thread(target=writer.close)
    closer.start()
    closer.join(0.2)
    assert closer.is_alive()  # close waits while queued requests are unanswered
    held.release()
    closer.join(WAIT)

    assert not closer.is_alive()
    assert all(f.done() for f in futures)
    ids = [f.result(timeout=0).case.id for f in futures]
    assert ids == [case_id_for("phone", f"queued-{i}") for i in range(6)]
    assert held.sizes == [1, 5]
    assert stored_count(memory_app) == 6


def test_submit_after_close_is_refused_and_records_nothing(memory_app: CaseService) -> None:
    writer = IntakeWriter(memory_app)
    assert writer.submit(keyed("open"), None).result(timeout=WAIT).created
    writer.close()

    with pytest.raises(WriterClosed, match="shutting down"):
        writer.submit(keyed("closed"), None)
    assert not writer._thread.is_alive()
    assert stored_count(memory_app) == 1
    with pytest.raises(CaseNotFound):
        memory_app.get(case_id_for("phone", "closed"))


def test_a_request_cancelled_before_its_batch_began_is_not_recorded(
    memory_app: CaseService, held: HeldFirstBatch
) -> None:
    writer = IntakeWriter(memory_app)
    try:
        first = writer.submit(keyed("running"), None)
        assert held.started.wait(WAIT)
        gone = writer.submit(keyed("gone"), None)
        kept = writer.submit(keyed("kept"), None)
        assert gone.cancel()
        held.release()
        assert kept.result(timeout=WAIT).case.id == case_id_for("phone", "kept")
        assert first.result(timeout=WAIT).case.id == case_id_for("phone", "running")
    finally:
        writer.close()

    assert gone.cancelled()
    assert held.sizes == [1, 1]  # the cancelled request never reached the service
    with pytest.raises(CaseNotFound):
        memory_app.get(case_id_for("phone", "gone"))
    assert stored_count(memory_app) == 2


def test_a_request_already_running_cannot_be_cancelled_and_is_recorded(
    memory_app: CaseService, held: HeldFirstBatch
) -> None:
    writer = IntakeWriter(memory_app)
    try:
        running = writer.submit(keyed("too-late"), None)
        assert held.started.wait(WAIT)
        assert not running.cancel()
        held.release()
        assert running.result(timeout=WAIT).created
    finally:
        writer.close()

    assert memory_app.get(case_id_for("phone", "too-late")).description == "request too-late"


def test_coroutines_awaiting_one_batch_are_woken_by_one_call_into_their_loop(
    memory_app: CaseService, held: HeldFirstBatch
) -> None:
    writer = IntakeWriter(memory_app)
    wakes: list[int] = []

    async def clients() -> list[Recorded]:
        loop = asyncio.get_running_loop()
        real = loop.call_soon_threadsafe

        def counted(callback: Any, *args: Any, **kwargs: Any) -> asyncio.Handle:
            if getattr(callback, "__name__", "") == "_settle":
                wakes.append(len(args[0]))
            return real(callback, *args, **kwargs)

        loop.call_soon_threadsafe = counted  # type: ignore[method-assign]
        first = asyncio.create_task(writer.record(keyed("loop-0"), None))
        assert await asyncio.to_thread(held.started.wait, WAIT)
        rest = [asyncio.create_task(writer.record(keyed(f"loop-{i}"), None)) for i in range(1, 6)]
        await asyncio.sleep(0)  # every task has queued its request
        held.release()
        return await asyncio.wait_for(asyncio.gather(first, *rest), WAIT)

    try:
        answers = asyncio.run(clients())
    finally:
        writer.close()

    assert [a.case.id for a in answers] == [case_id_for("phone", f"loop-{i}") for i in range(6)]
    assert held.sizes == [1, 5]
    assert wakes == [1, 5]


def test_a_coroutine_with_a_refused_request_hears_its_error_without_waiting_for_a_batch(
    memory_app: CaseService, held: HeldFirstBatch
) -> None:
    writer = IntakeWriter(memory_app)

    async def clients() -> InvalidInput:
        first = asyncio.create_task(writer.record(keyed("refused-0"), None))
        assert await asyncio.to_thread(held.started.wait, WAIT)
        with pytest.raises(InvalidInput) as refused:
            await writer.record(new_request("repair", category="no such category"), None)
        held.release()
        assert (await asyncio.wait_for(first, WAIT)).created
        return refused.value

    try:
        error = asyncio.run(clients())
    finally:
        writer.close()

    assert "category" in str(error)
    assert held.sizes == [1]


def test_a_coroutine_cancelled_before_its_batch_began_is_not_recorded(
    memory_app: CaseService, held: HeldFirstBatch
) -> None:
    writer = IntakeWriter(memory_app)

    async def clients() -> tuple[Recorded, Recorded]:
        first = asyncio.create_task(writer.record(keyed("async-running"), None))
        assert await asyncio.to_thread(held.started.wait, WAIT)
        gone = asyncio.create_task(writer.record(keyed("async-gone"), None))
        kept = asyncio.create_task(writer.record(keyed("async-kept"), None))
        await asyncio.sleep(0)
        gone.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gone
        held.release()
        return await asyncio.wait_for(first, WAIT), await asyncio.wait_for(kept, WAIT)

    try:
        first, kept = asyncio.run(clients())
    finally:
        writer.close()

    assert (first.created, kept.created) == (True, True)
    assert held.sizes == [1, 1]  # the cancelled request never reached the service
    with pytest.raises(CaseNotFound):
        memory_app.get(case_id_for("phone", "async-gone"))
    assert stored_count(memory_app) == 2
