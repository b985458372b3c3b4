"""Follows the application's event log in large pages and keeps the read models current.

eventsourcing's ProjectionRunner cannot subscribe to an SQLite store, so this
polls the notification log; the same loop serves PostgreSQL. Each page is one
transaction with its tracking position, so restarts resume exactly.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from eventsourcing.application import Application
from eventsourcing.persistence import ApplicationRecorder, InterfaceError, Mapper, OperationalError

from projections.casefile import CaseFile, evolve, open_case_file
from projections.collector import rare_collections
from projections.facts import Fact
from projections.follow_wait import BUSY_WAIT_SECONDS, next_wait
from projections.layout import check_build, record_build
from projections.policy import CommunityPolicy, Policy
from projections.reader import can_read_in_child, read_page, read_pages_in_child
from projections.readmodels import SlaFacts, all_read_models
from projections.rows import case_from_row
from projections.store import ReadModelStore
from workflow.events import Received

Progress = Callable[[int, int], None]  # (position reached, head of the log)


class Companion(Protocol):
    """Another tracked follower of the same log (the audit tree), run in the same loop."""

    def follow(self) -> int:
        """Catch up and do what is due; returns the events taken in."""

    def forget(self) -> None:
        """Drop what is held in memory after a failed write."""


# Case files kept in memory, least recently used dropped first. Live, they are a
# server's memory, which the memory benchmark judges (docs/benchmarks.md).
LIVE_CACHE, REBUILD_CACHE = 10_000, 50_000


class Follower:
    def __init__(
        self,
        app: Application[Any],
        store: ReadModelStore,
        policy: Policy,
        *,
        page_size: int = 2000,
        cache_size: int | None = None,
        rebuilding: bool = False,
        books: Callable[[], tuple[CommunityPolicy, ...]] | None = None,
    ) -> None:
        self.app = app  # held: the application closes its store when collected
        self.recorder: ApplicationRecorder = app.recorder
        self.mapper: Mapper[Any] = app.mapper
        self.store = store
        self.policy = policy
        self.calendar = policy.new_calendar()
        self.models = all_read_models(policy, self.calendar)
        # The communities' own policies, read again with every page (api.wiring).
        self.books = books
        self.page_size = page_size
        default_cache = REBUILD_CACHE if rebuilding else LIVE_CACHE
        self.cache_size = default_cache if cache_size is None else cache_size
        # A rebuild writes in large pages: fewer commits, each case's rows written fewer
        # times. Its reader process sends the events in chunks of `rebuild_chunk`.
        self.rebuild_page_size = 25_000
        self.rebuild_chunk = 2000
        self._cases: OrderedDict[str, CaseFile] = OrderedDict()
        self.companions: list[Companion] = []
        # Given each page as followed live (facts, position before, position after), so that a
        # companion that follows facts need not read and decode the page again.
        self.page_listeners: list[Callable[[list[Fact], int, int], None]] = []
        if not rebuilding:  # a rebuild starts from zero whatever was built before
            check_build(self.store, self.policy, app)

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0

    def process_page(self) -> int:
        """Process the next page; returns how many events it held (0 at the head)."""
        after = self.store.position()
        page = read_page(self.app, after, self.page_size)
        if page is None:
            return 0
        facts, last = page
        self._apply(facts, self._evolve(facts, {}), last)
        for listener in self.page_listeners:
            listener(facts, after, last)
        return len(facts)

    def _apply(self, facts: list[Fact], touched: dict[str, CaseFile], last: int) -> None:
        """Write one page's changes with the position it reaches, in one transaction."""
        try:
            cases = list(touched.values())
            statements = [s for model in self.models for s in model.changes(facts, cases)]
            self.store.write(statements, last)
        except BaseException:
            self._cases.clear()  # in-memory files may be ahead of what was written
            raise
        while len(self._cases) > self.cache_size:
            self._cases.popitem(last=False)

    def _refresh_policy(self) -> None:
        """The communities' policies as recorded now. Read after the facts: a version
        recorded later starts after every one of them, so none is judged under it, and a
        rebuild judges them as this does."""
        if self.books is None:
            return
        found = self.books()
        if found != self.policy.communities:
            self.policy = replace(self.policy, communities=found)
            for model in self.models:
                if isinstance(model, SlaFacts):
                    model.policy = self.policy

    def current_policy(self) -> Policy:
        """The policy with the communities' own as recorded now: what reports judge by."""
        self._refresh_policy()
        return self.policy

    def _evolve(self, facts: list[Fact], touched: dict[str, CaseFile]) -> dict[str, CaseFile]:
        self._refresh_policy()
        self._load({f.case_id for f in facts if f.version > 1 and f.case_id not in self._cases})
        for fact in facts:
            if fact.topic == Received.TOPIC:
                case = open_case_file(fact, self.policy)
                self._cases[fact.case_id] = case
            else:
                case = self._cases[fact.case_id]
                self._cases.move_to_end(fact.case_id)
                evolve(case, fact, self.policy, self.calendar)
            touched[fact.case_id] = case
        return touched

    def _load(self, case_ids: set[str]) -> None:
        ids = sorted(case_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self.store.query(
                f"SELECT * FROM rm_case_index WHERE case_id IN ({marks})", chunk
            )
            clocks = self.store.query(
                f"SELECT * FROM rm_milestones WHERE case_id IN ({marks})", chunk
            )
            by_case: dict[str, list[Any]] = {}
            for clock in clocks:
                by_case.setdefault(clock["case_id"], []).append(clock)
            for row in rows:
                self._cases[row["case_id"]] = case_from_row(row, by_case.get(row["case_id"], []))

    def catch_up(
        self, progress: Progress | None = None, stop: threading.Event | None = None
    ) -> int:
        """Process pages until the head of the log, or until `stop` is set; returns events
        processed. A stop is seen between pages: a follower that lost its role (a long
        catch-up is many pages) stops before the next one."""
        done = 0
        while not (stop is not None and stop.is_set()) and (count := self.process_page()):
            done += count
            if progress is not None:
                progress(self.store.position(), self.head())
            if count < self.page_size:
                break  # that page reached the head: no need to ask for another
        return done

    def rebuild(self, progress: Progress | None = None) -> int:
        live = self.store
        self.store = live.start_rebuild()
        self._cases.clear()
        with rare_collections():
            done = self._rebuild_into_scratch(live, progress)
        # Events saved while rebuilding are picked up the ordinary way.
        return done + self.catch_up(progress)

    def _rebuild_into_scratch(self, live: ReadModelStore, progress: Progress | None) -> int:
        try:
            record_build(self.store, self.policy)
            if can_read_in_child(self.app):
                done = self._rebuild_reading_in_child(progress, scratch=self.store is not live)
            else:
                page_size, self.page_size = self.page_size, self.rebuild_page_size
                try:
                    done = self.catch_up(progress)
                finally:
                    self.page_size = page_size
            live.finish_rebuild(self.store)
        except BaseException:
            self._cases.clear()  # they may hold what never reached the live read models
            raise
        finally:
            self.store = live
        return done

    def _rebuild_reading_in_child(self, progress: Progress | None, scratch: bool) -> int:
        """Apply pages decoded by a child process; write every `page_size` events.

        Into a scratch store (thrown away if the rebuild dies), an open case's rows wait
        until it ends or the rebuild does, so most cases are written once, not once a page.
        """
        head, done, last = self.head(), 0, 0
        facts: list[Fact] = []
        touched: dict[str, CaseFile] = {}
        waiting: dict[str, CaseFile] = {}
        for chunk, position in read_pages_in_child(self.app, 0, self.rebuild_chunk):
            # A full page is written once more arrives, so the last write, which takes
            # every waiting case, always has facts of its own and a position to record.
            if len(facts) >= self.rebuild_page_size:
                if scratch:
                    touched = self._ended_or_all(waiting | touched, waiting)
                self._apply(facts, touched, last)
                done += len(facts)
                facts, touched = [], {}
            self._evolve(chunk, touched)
            facts.extend(chunk)
            last = position
            if progress is not None:
                progress(last, head)
        if facts:
            self._apply(facts, waiting | touched, last)
        return done + len(facts) + self.catch_up(progress)

    def _ended_or_all(
        self, cases: dict[str, CaseFile], waiting: dict[str, CaseFile]
    ) -> dict[str, CaseFile]:
        """The cases to write now; the rest wait. All of them when the cache is about to
        drop some: a case must be written before it leaves the cache."""
        waiting.clear()
        if len(self._cases) > self.cache_size:
            return cases
        ready = {}
        for case_id, case in cases.items():
            if case.is_open:
                waiting[case_id] = case
            else:
                ready[case_id] = case
        return ready

    def run(
        self,
        stop: threading.Event,
        poll_seconds: float = 0.2,
        progress: Progress | None = None,
        report: Callable[[str], None] | None = None,
        busy_seconds: float = BUSY_WAIT_SECONDS,
        after_round: Callable[[], None] | None = None,
    ) -> None:
        """Follow the log until `stop` is set; each round, after the read models, each of
        the `companions` follows too, then `after_round` is called (a periodic job that needs
        the read models as followed, e.g. the reporters' retention).

        At the head it waits `poll_seconds`; while rounds keep finding many events the
        wait doubles, up to `busy_seconds` (see `next_wait`).

        The database going away (PostgreSQL restarting or unreachable, SQLite locked) does
        not end it: it says so through `report` (default: a line on stderr), forgets its
        cached case files (they may be ahead of what was written), waits 1 s, doubling up
        to 10 s, and resumes from the position the read models recorded. (eventsourcing
        itself retries a failed read about ten times first, so a blip may only pause it.)
        """
        say = report or _to_stderr
        failures, since = 0, 0.0
        wait = poll_seconds
        while not stop.is_set():
            try:
                found = self.catch_up(progress, stop)
                for companion in self.companions:
                    companion.follow()
                if after_round is not None:
                    after_round()
                if failures:
                    say(
                        f"the database is back after {time.monotonic() - since:.1f} s; "
                        f"following from position {self.store.position()}"
                    )
                    failures = 0
            except (OperationalError, InterfaceError) as error:
                self._cases.clear()
                for companion in self.companions:
                    companion.forget()
                delay = min(2.0**failures, 10.0)
                if failures == 0:
                    since = time.monotonic()
                failures += 1
                summary = next(iter(str(error).strip().splitlines()), type(error).__name__)
                say(
                    f"the database is unavailable ({summary}); following again in {delay:.0f} s "
                    f"from the recorded position (attempt {failures})"
                )
                stop.wait(delay)
                continue
            # At the head: wait, also after a busy round, so that pages gather many events.
            wait = next_wait(wait, found, poll_seconds, busy_seconds)
            stop.wait(wait)


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
