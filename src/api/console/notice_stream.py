"""The console's live stream of notices (`GET /console/stream`): server-sent events, one
for each new notice of the outbox the visitor may see, so an open queue refreshes at once.

A visitor sees the notices of their communities, as their queue does; a worker only those
of the cases assigned to them now, as the index the queue reads says. Each event's `id`
is the notice's place in the outbox, so a browser that reconnects (sending
`Last-Event-ID`) misses none and gets none twice. The data names the case, never a person.

The stream polls the outbox, each query in the thread pool: an idle stream holds no
database connection and no worker thread, only a sleeping coroutine. It ends when the
client goes (Starlette cancels it), when the visitor's session ends, and when the server
is told to stop (which waits for every open answer).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Sequence

from starlette.concurrency import run_in_threadpool

from api.console.params import refused
from api.http.problems import ApiProblem
from api.http.runtime import Runtime
from api.http.views import local
from api.storage.tokens import Principal
from projections.notices.kinds import Notice
from workflow.roles import Role

POLL_SECONDS = 1.0  # how soon a notice reaches an open queue
HEARTBEAT_SECONDS = 15.0  # a comment, so proxies keep an idle stream open
SESSION_SECONDS = 30.0  # how soon a stream ends after its session does
RETRY_MILLISECONDS = 2000  # how long a browser waits before it reconnects
BATCH = 100  # notices read at a time; a full batch is followed at once by the next
MAX_SEQUENCE = 2**63 - 1


def start_after(rt: Runtime, last_event_id: str | None, after: str | None) -> int:
    """Where the stream starts: after the event a reconnecting browser last had, else after
    the sequence the page was drawn at (`after`), else after the outbox's last notice."""
    if last_event_id is not None and last_event_id.strip():
        text = last_event_id.strip()[:20]
        if not text.isdigit() or int(text) > MAX_SEQUENCE:
            raise ApiProblem(
                422,
                "invalid-input",
                "Invalid input",
                f"header.Last-Event-ID: {text!r} is not an event id this stream sent"
                " (a whole number, 0 or more)",
            )
        return int(text)
    if after is not None and after.strip():
        text = after.strip()[:20]
        if not text.isdigit() or int(text) > MAX_SEQUENCE:
            raise refused("after", f"{text!r} is not a whole number, 0 or more")
        return int(text)
    return rt.notices.last_sequence()


def visible(rt: Runtime, who: Principal, notices: Sequence[Notice]) -> list[Notice]:
    """The notices `who` may see, in order."""
    mine = [n for n in notices if who.sees(n.community)]
    if who.role is Role.WORKER and mine:
        ids = sorted({n.case_id for n in mine})
        marks = ", ".join("?" for _ in ids)
        rows = rt.store.query(
            f"SELECT case_id FROM rm_case_index WHERE assignee = ? AND case_id IN ({marks})",
            [who.name, *ids],
        )
        assigned = {str(r["case_id"]) for r in rows}
        mine = [n for n in mine if n.case_id in assigned]
    return mine


def next_batch(rt: Runtime, who: Principal, after: int) -> tuple[int, list[str], bool]:
    """The events for the notices after `after` that `who` may see, where the next batch
    starts, and whether more may wait (the batch was full). Runs in the thread pool."""
    found = rt.notices.notices_after(after, BATCH)
    if not found:
        return after, [], False
    shown = visible(rt, who, found)
    numbers = rt.numbers.numbers_of([n.case_id for n in shown]) if shown else {}
    events = [event_text(n, numbers.get(n.case_id)) for n in shown]
    return found[-1].sequence, events, len(found) == BATCH


def event_text(notice: Notice, number: str | None) -> str:
    data = {
        "type": notice.type,
        "case_id": notice.case_id,
        "number": number,
        "community": notice.community,
        "milestone": notice.milestone,
        "due_at": local(notice.due_at).isoformat() if notice.due_at else None,
        "late": notice.late,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"id: {notice.sequence}\nevent: {notice.type}\ndata: {text}\n\n"


async def notice_events(
    rt: Runtime,
    who: Principal,
    after: int,
    session_alive: Callable[[], bool],
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[str]:
    """The stream's text. `session_alive` runs in the thread pool every SESSION_SECONDS."""
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    said = checked = clock()
    while not rt.stopping.is_set():
        after, events, more = await run_in_threadpool(next_batch, rt, who, after)
        for event in events:
            yield event
        now = clock()
        if events:
            said = now
        elif now - said >= HEARTBEAT_SECONDS:
            yield ": heartbeat\n\n"
            said = now
        if now - checked >= SESSION_SECONDS:
            if not await run_in_threadpool(session_alive):
                return
            checked = now
        if not more:
            await asyncio.sleep(POLL_SECONDS)
