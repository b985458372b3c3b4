"""PIPL retention: a reporter's record is erased once its case has been ended for the
configured period (`Settings.reporter_retention`; off unless set).

The read-model follower runs it after its rounds (`Follower.run`'s `after_round`), at most
once per `CHECK_EVERY`: it reads the ended cases that still name a record from the case
index, which the follower keeps current, and erases each through the application service,
so that each erasure is recorded on its case as `ReporterErased` (reason retention) in the
transaction that deletes the record. Times come from the service's clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from api.config.settings import Settings
from projections.follower import Follower
from projections.store import ReadModelStore
from projections.times import to_micros
from workflow.errors import ConcurrencyConflict, NoReporterRecord, ReporterAlreadyErased
from workflow.service import CaseService

ACTOR = "retention"  # who the events say erased the records
CHECK_EVERY = timedelta(hours=1)
BATCH = 500  # cases erased a run at most: a long backlog is worked off over several runs

# Ended (closed, cancelled, rejected, invalid) long enough ago, a record still named: an
# erased one's reference is gone from the case index.
_DUE = (
    "SELECT case_id FROM rm_case_index WHERE ended_at IS NOT NULL AND ended_at <= ?"
    " AND reporter_ref IS NOT NULL ORDER BY ended_at LIMIT ?"
)


class ReporterRetention:
    def __init__(
        self,
        service: CaseService,
        store: ReadModelStore,
        keep_for: timedelta,
        *,
        every: timedelta = CHECK_EVERY,
    ) -> None:
        self.service = service
        self.store = store
        self.keep_for = keep_for
        self.every = every
        self._next: datetime | None = None  # the first round runs at once

    def __call__(self) -> None:
        now = self.service.clock()
        if self._next is not None and now < self._next:
            return
        self.run_once()
        self._next = now + self.every

    def run_once(self) -> list[UUID]:
        """Erases the records due now; the cases erased."""
        cutoff = self.service.clock() - self.keep_for
        rows = self.store.query(_DUE, (to_micros(cutoff), BATCH))
        erased = []
        for row in rows:
            try:
                done = self.service.erase_expired_reporter(str(row["case_id"]), actor=ACTOR)
            except (ReporterAlreadyErased, NoReporterRecord, ConcurrencyConflict):
                # Erased meanwhile (the index has not followed it yet), or changed by a
                # command: the next run sees it as it stands.
                continue
            erased.append(done.case.id)
        return erased


def retention_for(settings: Settings, follower: Follower) -> ReporterRetention | None:
    """The follower's retention job, or None when the setting is off."""
    if settings.reporter_retention is None:
        return None
    app = follower.app
    if not isinstance(app, CaseService):
        raise TypeError(f"the follower follows {type(app).__name__}, not the case service")
    return ReporterRetention(app, follower.store, settings.reporter_retention)
