"""Keeps the notices current: a tracked follower of the event log, a companion of the read
models' follower in the same loop.

Each page of events evolves the working copies of the cases it touches, and writes their
notices to the outbox, their warnings still to come to the schedule, and the log position
reached, in one transaction: a crash neither loses nor repeats a notice. Each round then
moves the warnings whose instant has passed from the schedule to the outbox; one taken in
more than `ON_TIME_SECONDS` after its instant (the follower was down or behind) is marked
late. A notice's id names what it is about, so one found twice is kept once.

The store starts where the read models are when it is first opened: the history before
gives no notices, and only the open cases' warnings still to come are scheduled.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from projections.calendar import BusinessCalendar
from projections.casefile import open_case_file
from projections.facts import Fact
from projections.notices.deriving import Draft, next_instant, received, step, timed
from projections.notices.kinds import ON_TIME_SECONDS, TIMED
from projections.notices.seeding import seed
from projections.notices.store import (
    DELETE_CASE,
    DELETE_TIMED,
    INSERT_NOTICE,
    UPSERT_CASE,
    UPSERT_TIMED,
    NoticeStore,
)
from projections.notices.working import Working, dumps, loads
from projections.policy import Policy
from projections.reader import read_page
from projections.store import ReadModelStore
from projections.times import to_micros
from projections.tracked import Statement
from workflow.events import Received

PAGE_SIZE = 1000
CACHE_SIZE = 10_000
OFFERED_PAGES = 4  # pages handed over by the read models' follower, kept until taken


class NoticeFollower:
    def __init__(
        self,
        app: Application[Any],
        store: NoticeStore,
        policy: Callable[[], Policy],
        calendar: BusinessCalendar,
        *,
        read_models: ReadModelStore | None = None,
        now: Callable[[], float] = time.time,
        page_size: int = PAGE_SIZE,
        replay: bool = False,
        interval: float = 0.0,
    ) -> None:
        """`policy`: the policy book as it stands (the read models' follower's);
        `read_models`: where a new store takes the open cases from; `replay`: the events
        are a past being replayed (the demo), so a warning whose instant passed before an
        event is taken in at its instant, not late; `interval`: `follow` takes in events at
        most this often (seconds), so that under load the pages handed over gather into
        fewer, larger transactions; the warnings due are taken in at every call."""
        self.app = app
        self.store = store
        self.policy = policy
        self.calendar = calendar
        self.read_models = read_models
        self.now = now
        self.page_size = page_size
        self.replay = replay
        self._cases: OrderedDict[str, Working] = OrderedDict()
        self._started = False
        self._offered: list[tuple[int, list[Fact], int]] = []
        self.interval = interval
        self._caught_up = float("-inf")
        # Called once notices have been written to the outbox: a deliverer in this process
        # starts its round then, rather than at its next poll.
        self.on_notices: Callable[[], None] | None = None

    def offer(self, facts: list[Fact], after: int, last: int) -> None:
        """A page the read models' follower read (the events after position `after`, up to
        `last`): taken instead of reading it again, if it is the next one here."""
        if self._offered and self._offered[-1][2] == after and len(self._offered[-1][1]) < 20_000:
            first, earlier, _ = self._offered[-1]  # joined: fewer, larger transactions
            self._offered[-1] = (first, earlier + facts, last)
            return
        self._offered.append((after, facts, last))
        del self._offered[:-OFFERED_PAGES]  # behind: the oldest are read again when reached

    def forget(self) -> None:
        """Drop what is held in memory: it may be ahead of what was written."""
        self._cases.clear()
        self._started = False
        self._offered.clear()

    def follow(self) -> int:
        """Catch up with the log, then take in the warnings now due; returns the events
        taken in. Another process writing the same page first is not an error."""
        try:
            self._start()
            added = 0
            if time.monotonic() - self._caught_up >= self.interval:
                added = self.catch_up()
                self._caught_up = time.monotonic()
            self.fire_due()
        except IntegrityError:
            self.forget()
            return 0
        return added

    def catch_up(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Take in the log up to its head; `progress` gets (position, head) after each page."""
        added = 0
        while count := self.process_page():
            added += count
            if progress is not None:
                progress(self.store.position(), self.app.recorder.max_notification_id() or 0)
            if count < self.page_size and not self._offered:
                break
        return added

    def process_page(self) -> int:
        self._start()
        page = self._next_page(self.store.position())
        if page is None:
            return 0
        facts, last = page
        policy = self.policy()
        self._load({f.case_id for f in facts if f.version > 1 and f.case_id not in self._cases})
        touched: dict[str, Working] = {}
        drafts: list[tuple[Draft, bool]] = []  # (draft, fired by the clock)
        for fact in facts:
            if fact.topic == Received.TOPIC:
                work = Working(open_case_file(fact, policy))
                work.case.dirty.clear()
                self._cases[fact.case_id] = work
                drafts.extend((d, False) for d in received(work))
            else:
                found = self._cases.get(fact.case_id)
                if found is None:
                    continue  # it ended, or began before the notices did
                work = found
                self._cases.move_to_end(fact.case_id)
                for due in timed(work, policy, self.calendar, until=fact.occurred_at):
                    work.fired.add(due.draft.id)
                    drafts.append((due.draft, True))
                drafts.extend((d, False) for d in step(work, fact, policy, self.calendar))
            touched[fact.case_id] = work
        try:
            self.store.write(self._changes(touched, drafts, policy), last)
        except BaseException:
            self._cases.clear()
            raise
        if drafts and self.on_notices is not None:
            self.on_notices()
        for case_id, work in touched.items():
            if not work.case.is_open:
                self._cases.pop(case_id, None)
        while len(self._cases) > CACHE_SIZE:
            self._cases.popitem(last=False)
        return len(facts)

    def _next_page(self, position: int) -> tuple[list[Fact], int] | None:
        self._offered = [page for page in self._offered if page[0] >= position]
        if self._offered and self._offered[0][0] == position:
            _, facts, last = self._offered.pop(0)
            return facts, last
        return read_page(self.app, position, self.page_size)

    def fire_due(self) -> int:
        """Take the warnings whose instant has passed into the outbox; returns how many."""
        now = self.now()
        rows = self.store.query(
            "SELECT case_id FROM nt_schedule WHERE fire_at <= ? ORDER BY fire_at LIMIT 500",
            (int(now * 1e6),),
        )
        if not rows:
            return 0
        due_cases = [str(r["case_id"]) for r in rows]
        self._load({c for c in due_cases if c not in self._cases})
        policy, moment = self.policy(), datetime.fromtimestamp(now, UTC)
        fired: list[tuple[Draft, bool]] = []
        touched: dict[str, Working] = {}
        for case_id in due_cases:
            work = self._cases.get(case_id)
            if work is None:  # gone meanwhile: another process ended it
                continue
            for due in timed(work, policy, self.calendar, until=moment):
                work.fired.add(due.draft.id)
                fired.append((due.draft, True))
            touched[case_id] = work
        gone = [(c,) for c in due_cases if c not in touched]
        self.store.execute([*self._changes(touched, fired, policy), (DELETE_TIMED, gone)])
        if fired and self.on_notices is not None:
            self.on_notices()
        return len(fired)

    def _changes(
        self, touched: dict[str, Working], drafts: Sequence[tuple[Draft, bool]], policy: Policy
    ) -> list[Statement]:
        now = self.now()
        cases: list[tuple[str, str]] = []
        ended: list[tuple[str]] = []
        idle: list[tuple[str]] = []  # nothing to come: off the schedule
        schedule: list[tuple[str, int | None]] = []
        for case_id, work in touched.items():
            if work.case.is_open:
                cases.append((case_id, dumps(work)))
            else:
                ended.append((case_id,))
            instant = next_instant(work, policy, self.calendar)
            if instant is None:
                idle.append((case_id,))
            else:
                schedule.append((case_id, to_micros(instant)))
        outbox = [_outbox_row(d, fired, now, self.replay) for d, fired in drafts]
        return [
            (DELETE_CASE, ended),
            (UPSERT_CASE, cases),
            (DELETE_TIMED, idle),
            (UPSERT_TIMED, schedule),
            (INSERT_NOTICE, outbox),
        ]

    def _load(self, case_ids: Iterable[str]) -> None:
        ids = sorted(case_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in self.store.query(
                f"SELECT case_id, file FROM nt_cases WHERE case_id IN ({marks})", chunk
            ):
                self._cases[str(row["case_id"])] = loads(str(row["file"]))

    def _start(self) -> None:
        if self._started:
            return
        if self.store.position() == 0 and self.store.meta("started_from") is None:
            self._seed()
        self._started = True

    def _seed(self) -> None:
        seed(self.store, self.read_models, self.policy(), self.calendar, self.now())


def _outbox_row(draft: Draft, fired: bool, now: float, replay: bool) -> tuple[Any, ...]:
    at = draft.at.timestamp()
    emitted = at if replay else now  # replayed: taken in when it would have been
    late = fired and draft.type in TIMED and emitted - at > ON_TIME_SECONDS
    return (
        draft.id, draft.type, draft.case_id, draft.community, draft.kind, draft.milestone,
        draft.run, to_micros(draft.due_at), to_micros(draft.at),
        to_micros(datetime.fromtimestamp(emitted, UTC)), int(late),
    )  # fmt: skip
