"""Reports counted once and reused: what makes a dashboard answer in milliseconds.

What it is, plainly. Counting a report is the work of `GET /reports/...`: every case
received in the period rebuilt from the timeline as known at an instant, each milestone
judged. On a month of a million-event history that takes seconds. So each server process
keeps the reports it counted, with the cases behind each figure (`counted.Counted`), in
memory:

- A dashboard for now shows a count at most FRESH_SECONDS old, made at a whole second;
  the page says when ("counted at ..."), and its links, downloads and drill-downs carry
  that instant as `as_of`, so what they list is exactly what was counted, however many
  events arrived since. It is not the state of this very second.
- A count older than REFRESH_SECONDS is counted again in a background thread the first
  time someone looks at it, while the older one is still served: a dashboard in use never
  waits. The first look after FRESH_SECONDS without one (and the first in each worker
  process) counts in the request, and requests for the same report meanwhile wait for
  that one count instead of starting their own.
- A count at a named instant (a past view, a drill-down's `as_of`) is kept under that
  instant for KEEP_SECONDS after its last use.
- Keys: the report, the period, the communities counted, and the policy book (the
  deployment policy's digest and the communities' versions): a new policy version is a
  new key. At most MAX_CASES cases (some 250 bytes each) are held over all counts, the
  least recently used going first.

A count is exact for its instant as far as the read models had followed the event log
when it was made (the reports API is no different): an event recorded a moment before the
instant but not yet followed is left out, and would be in a later count at the same
instant. Figures and their drill-downs read the same kept count, so they agree regardless.
Nothing here is shared between processes or kept over a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime

from api.console.dashboards.counted import Counted

FRESH_SECONDS = 60.0
REFRESH_SECONDS = 30.0
KEEP_SECONDS = 900.0
MAX_CASES = 100_000
MAX_COUNTS = 32
log = logging.getLogger("propdesk.console")

Key = Hashable
Count = Callable[[datetime], Counted]


def whole_second(moment: datetime) -> datetime:
    """Links carry instants to the second: a count is made at one, so a link names it."""
    return moment.replace(microsecond=0)


@dataclass
class Entry:
    counted: Counted
    used: float  # monotonic seconds


class ReportCache:
    def __init__(
        self,
        fresh: float = FRESH_SECONDS,
        refresh: float = REFRESH_SECONDS,
        keep: float = KEEP_SECONDS,
        max_cases: int = MAX_CASES,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.fresh, self.refresh, self.keep, self.max_cases = fresh, refresh, keep, max_cases
        self.clock, self.now = clock, now
        self._lock = threading.Lock()
        self._entries: dict[tuple[Key, datetime], Entry] = {}
        self._latest: dict[Key, datetime] = {}  # the newest count for now, by key
        self._counting: dict[tuple[Key, datetime | None], threading.Lock] = {}
        self._refreshing: set[Key] = set()

    def recent(self, key: Key, count: Count) -> Counted:
        """A count for now, at most `fresh` seconds old."""
        found = self._recent(key, count)
        if found is not None:
            return found
        with self._one_count(key, None):
            found = self._recent(key, count)  # counted meanwhile by another request
            if found is not None:
                return found
            return self._store(key, count(whole_second(self.now())), latest=True)

    def at(self, key: Key, instant: datetime, count: Count) -> Counted:
        """The count at `instant`: kept, or made now."""
        found = self._kept(key, instant)
        if found is not None:
            return found
        with self._one_count(key, instant):
            found = self._kept(key, instant)
            return found if found is not None else self._store(key, count(instant))

    def _recent(self, key: Key, count: Count) -> Counted | None:
        with self._lock:
            instant = self._latest.get(key)
            entry = self._entries.get((key, instant)) if instant is not None else None
            if entry is None:
                return None
            age = (self.now() - entry.counted.instant).total_seconds()
            if age > self.fresh:
                return None
            entry.used = self.clock()
            if age >= self.refresh and key not in self._refreshing:
                self._refreshing.add(key)
                threading.Thread(
                    target=self._recount, args=(key, count), name="propdesk-dashboard",
                    daemon=True,
                ).start()  # fmt: skip
            return entry.counted

    def _recount(self, key: Key, count: Count) -> None:
        try:
            self._store(key, count(whole_second(self.now())), latest=True)
        except Exception:  # the next request counts in its own time, and says why if it fails
            log.exception("recounting a dashboard's report in the background failed")
        finally:
            with self._lock:
                self._refreshing.discard(key)

    def _kept(self, key: Key, instant: datetime) -> Counted | None:
        with self._lock:
            entry = self._entries.get((key, instant))
            if entry is None:
                return None
            entry.used = self.clock()
            return entry.counted

    def _one_count(self, key: Key, instant: datetime | None) -> threading.Lock:
        with self._lock:
            return self._counting.setdefault((key, instant), threading.Lock())

    def _store(self, key: Key, counted: Counted, latest: bool = False) -> Counted:
        with self._lock:
            now = self.clock()
            self._entries[key, counted.instant] = Entry(counted, now)
            if latest and counted.instant >= self._latest.get(key, counted.instant):
                self._latest[key] = counted.instant
            self._evict(now, (key, counted.instant))
            self._counting.pop((key, None if latest else counted.instant), None)
        return counted

    def _evict(self, now: float, kept: tuple[Key, datetime]) -> None:
        for name, entry in list(self._entries.items()):
            if now - entry.used > self.keep and name != kept:
                del self._entries[name]
        by_use = sorted(
            (n for n in self._entries if n != kept), key=lambda n: self._entries[n].used
        )
        held = sum(e.counted.cases for e in self._entries.values())
        while by_use and (held > self.max_cases or len(self._entries) > MAX_COUNTS):
            name = by_use.pop(0)
            held -= self._entries.pop(name).counted.cases
        for key, instant in list(self._latest.items()):
            if (key, instant) not in self._entries:
                del self._latest[key]
