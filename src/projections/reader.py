"""Reading the event log as facts: in this process, or in a child process for rebuilds.

A rebuild spends about half its time reading and decoding the log. A child
process can do that while this one applies the facts and writes the read
models, so on two cores the two halves overlap. The child only reads; every
write and the tracking position stay in this process, so exactly-once holds.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue as queues
from collections.abc import Iterator
from typing import Any

from eventsourcing.application import Application

from projections.facts import Fact, compact, expand, fact_of

Page = tuple[list[Fact], int]  # the facts and the log position of the last one


def read_page(app: Application[Any], after: int, limit: int) -> Page | None:
    notes = app.recorder.select_notifications(start=after, limit=limit, inclusive_of_start=False)
    if not notes:
        return None
    facts = [fact_of(app.mapper.to_domain_event(n), n.id) for n in notes]  # type: ignore[arg-type]
    return facts, notes[-1].id


def can_read_in_child(app: Application[Any]) -> bool:
    # Forking is safe for SQLite (no threads, the child opens its own connections);
    # a PostgreSQL pool has threads of its own, so it reads in-process.
    return (
        app.env.get("PERSISTENCE_MODULE") == "eventsourcing.sqlite"
        and "fork" in multiprocessing.get_all_start_methods()
    )


def read_pages_in_child(app: Application[Any], after: int, limit: int) -> Iterator[Page]:
    context = multiprocessing.get_context("fork")
    channel: Any = context.Queue(maxsize=8)
    child = context.Process(
        target=_read_in_child, args=(type(app), dict(app.env), after, limit, channel), daemon=True
    )
    # Objects inherited from this process stay out of the child's garbage collections:
    # collecting them would touch, and so copy, every page they live on.
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        child.start()
    finally:
        if not frozen_before:  # the caller's freeze is the caller's to undo
            gc.unfreeze()
    try:
        while True:
            try:
                item = channel.get(timeout=1.0)
            except queues.Empty:
                if not child.is_alive():
                    raise RuntimeError("the log reader process died") from None
                continue
            if item is None:
                return
            if isinstance(item, str):
                raise RuntimeError(f"the log reader process failed: {item}")
            packed, last = item
            yield [expand(row, extra) for row, extra in packed], last
    finally:
        child.terminate()
        child.join()


def _read_in_child(
    app_class: type[Application[Any]], env: dict[str, str], after: int, limit: int, channel: Any
) -> None:
    parent = os.getppid()

    def send(item: object) -> None:
        # Never block for good: a parent that was killed leaves nobody to read.
        while True:
            try:
                channel.put(item, timeout=1.0)
                return
            except queues.Full:
                if os.getppid() != parent:
                    os._exit(1)

    try:
        app = app_class(env)
        while notes := app.recorder.select_notifications(
            start=after, limit=limit, inclusive_of_start=False
        ):
            to_event = app.mapper.to_domain_event
            packed = [compact(to_event(n), n.id) for n in notes]  # type: ignore[arg-type]
            send((packed, notes[-1].id))
            after = notes[-1].id
        send(None)
    except BaseException as error:  # reported to the parent, which raises it
        send(repr(error))
    finally:
        channel.close()
        channel.join_thread()
        os._exit(0)  # skip the destructors of objects copied from the parent
