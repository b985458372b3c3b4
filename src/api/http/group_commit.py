"""Group commit for intake: requests that arrive together are saved in one transaction.

A request is validated and its case built on the caller's thread (`CaseService.prepare`),
then handed to the writer thread. The writer takes every request waiting (up to
`batch_limit`), records them with one `CaseService.receive_prepared` and answers each;
the coroutines awaiting a batch are woken with one call into their event loop, not one
each. There is no timer: while one batch commits, the next one gathers, so a lone
request waits for nobody, and under load one transaction (one lock, one fsync) serves
many requests instead of one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field

from workflow.backdating import Backdating
from workflow.errors import DomainError
from workflow.intake import NewRequest
from workflow.receiving import Prepared
from workflow.service import CaseService, Recorded

log = logging.getLogger("propdesk.http")


class WriterClosed(RuntimeError):
    """The server is shutting down; the request was not recorded."""


@dataclass
class _Waiting:
    prepared: Prepared
    answer: Future[Recorded] = field(default_factory=Future)
    awaited: asyncio.Future[Recorded] | None = None  # a coroutine's, in its event loop


class IntakeWriter:
    def __init__(
        self,
        service: CaseService,
        batch_limit: int = 256,
        numbers_of: Callable[[list[str]], dict[str, str]] | None = None,
    ) -> None:
        self._service = service
        self._batch_limit = batch_limit
        # New cases' numbers, read once per batch here rather than once per request on
        # the requests' threads; each is taken by its request (`number_for`).
        self._numbers_of = numbers_of
        self._numbers: dict[str, str] = {}
        self._queue: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._closed = False
        self._closing = threading.Lock()
        self.on_batch: Callable[[int], None] | None = None  # told each batch's size (metrics)
        self._thread = threading.Thread(target=self._run, name="propdesk-intake", daemon=True)
        self._thread.start()

    def submit(
        self, request: NewRequest, actor: str | None, backdating: Backdating | None = None
    ) -> Future[Recorded]:
        """The request's answer, once its batch is saved: a Recorded, or the error."""
        try:
            prepared = self._service.prepare(request, actor, backdating)
        except DomainError as error:
            refused: Future[Recorded] = Future()
            refused.set_exception(error)
            return refused
        return self._put(_Waiting(prepared)).answer

    async def record(
        self, request: NewRequest, actor: str | None, backdating: Backdating | None = None
    ) -> Recorded:
        """`submit`, awaited; a refused request raises its DomainError at once. If the
        caller is cancelled before the request's batch begins, it is not recorded.
        `backdating`: how far back the caller may date it (default: the service's rule)."""
        # Validating and building the case here, on the caller's thread, leaves the writer
        # thread little but the save: while it held the interpreter lock for that work,
        # the event loop waited (side-by-side runs of two servers, docs/benchmarks.md).
        prepared = self._service.prepare(request, actor, backdating)
        awaited: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()
        waiting = self._put(_Waiting(prepared, awaited=awaited))
        try:
            return await awaited
        except asyncio.CancelledError:
            waiting.answer.cancel()
            raise

    def _put(self, waiting: _Waiting) -> _Waiting:
        with self._closing:  # so that nothing is queued behind the stop
            if self._closed:
                raise WriterClosed("the server is shutting down")
            self._queue.put(waiting)
        return waiting

    def close(self) -> None:
        """Answers what is queued, then stops the thread."""
        with self._closing:
            self._closed = True
            self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            # The turn at writing is taken before the batch is gathered: whatever arrives
            # while another process writes joins this batch, so the busier the file, the
            # larger the batches (the saves inside take the turn again, at no cost).
            batch, stop = [first], False
            try:
                with self._service.write_turn():
                    batch, stop = self._gather(first)
                    self._write(batch)
            except Exception as error:  # the turn itself failed: the lock file is unusable
                log.error("no turn at writing for %d intakes: %r", len(batch), error)
                for waiting in batch:
                    if not waiting.answer.done() and (
                        waiting.answer.running() or waiting.answer.set_running_or_notify_cancel()
                    ):
                        waiting.answer.set_exception(error)
            _wake(batch)
            if stop:
                return

    def _gather(self, first: _Waiting) -> tuple[list[_Waiting], bool]:
        batch = [first]
        while len(batch) < self._batch_limit:
            try:
                more = self._queue.get_nowait()
            except queue.Empty:
                break
            if more is None:
                return batch, True
            batch.append(more)
        return batch, False

    def number_for(self, case_id: object) -> str | None:
        """The number of a case this writer has just saved, once; None if not read."""
        return self._numbers.pop(str(case_id), None)

    def _read_numbers(self, answers: list[Recorded | Exception]) -> None:
        created = [str(a.case.id) for a in answers if isinstance(a, Recorded) and a.created]
        if not created or self._numbers_of is None:
            return
        if len(self._numbers) > 10_000:  # left by requests whose clients went away
            self._numbers.clear()
        try:
            self._numbers.update(self._numbers_of(created))
        except Exception as error:  # the cases are saved: their requests read it themselves
            log.warning("could not read the numbers of %d new cases: %r", len(created), error)

    def _write(self, batch: list[_Waiting]) -> None:
        # A request whose client went away before its batch began is not recorded.
        live = [w for w in batch if w.answer.set_running_or_notify_cancel()]
        if self.on_batch is not None:
            self.on_batch(len(live))
        try:
            answers = self._service.receive_prepared([w.prepared for w in live])
            self._read_numbers(answers)
            for waiting, answer in zip(live, answers, strict=True):
                if isinstance(answer, Recorded):
                    waiting.answer.set_result(answer)
                else:
                    waiting.answer.set_exception(answer)
        except Exception as error:  # the batch's save failed: nothing of it was saved
            log.debug("an intake batch of %d failed: %r", len(live), error)
            for waiting in live:
                if not waiting.answer.done():
                    waiting.answer.set_exception(error)


def _wake(batch: Iterable[_Waiting]) -> None:
    """Hands the answers to the coroutines awaiting them: one call per event loop."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_Waiting]] = {}
    for waiting in batch:
        if waiting.awaited is not None:
            by_loop.setdefault(waiting.awaited.get_loop(), []).append(waiting)
    for loop, waitings in by_loop.items():
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody awaits these now
            loop.call_soon_threadsafe(_settle, waitings)


def _settle(waitings: list[_Waiting]) -> None:
    for waiting in waitings:
        awaited, answer = waiting.awaited, waiting.answer
        if awaited is None or awaited.done():  # its caller was cancelled
            continue
        if answer.cancelled():
            awaited.cancel()
        # Every request of a batch is answered before the wake: timeout=0 fails loudly,
        # rather than blocking the event loop, should that ever not hold.
        elif (error := answer.exception(timeout=0)) is not None:
            awaited.set_exception(error)
        else:
            awaited.set_result(answer.result())
