"""The application service: load, act, save once, atomically."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from workflow import inputs
from workflow.backdating import TRUSTED, Backdating
from workflow.case import Case, Stamp
from workflow.commands import CaseCommands, Guard, Instant
from workflow.communities import CommunityDirectory, OnlyTheDefault
from workflow.errors import CaseNotFound, ConcurrencyConflict, InvalidInput, ReporterAlreadyErased
from workflow.events import CaseEvent, ReporterErased
from workflow.history import HistoryEntry, entry_of
from workflow.new_cases import NewCases, SavedByTheApplication
from workflow.personal_data import InMemoryReporters, ReporterRegistry
from workflow.receiving import CaseIntake, WriteTurn
from workflow.recorded import Recorded, recorded

Clock = Callable[[], datetime]
# Given the application once it is built (its event store then exists): the storage's way
# of saving new cases, chosen by the wiring.
NewCasesAdapter = Callable[[Application[UUID]], NewCases]
__all__ = ["CaseService", "Clock", "NewCasesAdapter", "Recorded", "WriteTurn", "system_clock"]


def system_clock() -> datetime:
    return datetime.now(UTC)


class CaseService(CaseIntake, CaseCommands, Application[UUID]):
    name = "cases"
    snapshotting_intervals = {Case: 50}  # noqa: RUF012 - the library reads a class attribute

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        clock: Clock = system_clock,
        reporters: ReporterRegistry | None = None,
        write_turn: WriteTurn = nullcontext,
        backdating: Backdating = TRUSTED,
        new_cases: NewCasesAdapter | None = None,
        communities: CommunityDirectory | None = None,
        erases_with_events: bool = False,
    ) -> None:
        """`erases_with_events`: the event store's recorder deletes the reporters' records
        named by `erased_reporters` in the transaction of the events (the wiring's SQL
        recorders do); otherwise the service deletes them from `reporters` after saving."""
        super().__init__(env)
        self.communities: CommunityDirectory = communities or OnlyTheDefault()
        self.clock = clock
        # How far back a caller that names no rule of its own may date an action.
        self.backdating = backdating
        # Held around every write: the storage may want writers to queue (one SQLite file).
        self.write_turn = write_turn
        self.reporters: ReporterRegistry = reporters or InMemoryReporters()
        self.erases_with_events = erases_with_events
        self.new_cases: NewCases = (
            SavedByTheApplication(self, self.reporters) if new_cases is None else new_cases(self)
        )

    # -- commands -----------------------------------------------------------------

    def _act(
        self,
        case_id: UUID | str,
        actor: str,
        at: Instant | None,
        note: str | None,
        expected_version: int | None,
        action: Callable[[Case, Stamp], None],
        late_reason: str | None = None,
        backdating: Backdating | None = None,
        guard: Guard | None = None,
    ) -> Recorded:
        case = self.get(case_id)
        if guard is not None:
            # On the object saved below: if another command saves first, this save fails,
            # so the guard cannot pass on one version while the command lands on a newer.
            # Before the version comparison, so that a refusal does not depend on If-Match.
            guard(case)
        if expected_version is not None and expected_version != case.version:
            raise ConcurrencyConflict(case.id, expected_version, case.version)
        rule = backdating or self.backdating
        action(case, Stamp(actor, self.clock(), at, note, late_reason, rule))
        erased = self._erased_refs(case)
        try:
            with self.write_turn():
                # The event and the deletion of the record it names are one transaction,
                # so that neither can be stored without the other: the event store's
                # recorder deletes the records named here before it commits the events
                # (`api.storage.recorders`), and a refused save deletes nothing.
                recordings = self.save(case, erased_reporters=erased)
        except IntegrityError:
            raise ConcurrencyConflict(case.id, expected_version, None) from None
        if erased and not self.erases_with_events:
            # A store without such a recorder (in memory): the event first, then the
            # record, which a repeated erasure would then find gone and refuse.
            for ref in erased:
                self.reporters.erase(ref)
        return recorded(case, recordings)

    def _erased_refs(self, case: Case) -> list[str]:
        """The reporters' records the case's new events erase; each must still be stored
        (the aggregate knows whether it erased one, not whether it was ever written)."""
        refs = [e.reporter_ref for e in case.pending_events if isinstance(e, ReporterErased)]
        for ref in refs:
            if self.reporters.get(ref) is None:
                raise ReporterAlreadyErased(case.id, None)
        return refs

    def erase_expired_reporter(self, case_id: UUID | str, *, actor: str) -> Recorded:
        """The reporter's record erased as its retention period ran out (`ErasureReason`);
        `erase_reporter`, the declared command, erases at a resident's request."""
        return self._act(
            case_id, actor, None, None, None, lambda case, stamp: case.erase_expired_reporter(stamp)
        )

    # -- queries ------------------------------------------------------------------

    def get(self, case_id: UUID | str) -> Case:
        uid = _parse_id(case_id)
        try:
            case: Case = self.repository.get(uid)
        except AggregateNotFoundError:
            raise CaseNotFound(case_id) from None
        return case

    def history(self, case_id: UUID | str) -> list[HistoryEntry]:
        """Every event of the case, oldest first."""
        uid = _parse_id(case_id)
        entries = [entry_of(e) for e in self._events(uid)]
        if not entries:
            raise CaseNotFound(case_id)
        return entries

    def _events(self, case_id: UUID) -> list[CaseEvent]:
        return [cast(CaseEvent, e) for e in self.repository.event_store.get(case_id)]

    def as_of(self, case_id: UUID | str, when: Instant) -> Case:
        """The case as the system knew it at `when`: only events recorded by then."""
        moment = inputs.instant("as_of", when)
        uid = _parse_id(case_id)
        known = [e for e in self._events(uid) if e.timestamp <= moment]
        if not known:
            raise CaseNotFound(case_id)
        case: Case = self.repository.get(uid, version=known[-1].originator_version)
        return case


def _parse_id(case_id: UUID | str) -> UUID:
    if isinstance(case_id, UUID):
        return case_id
    try:
        return UUID(str(case_id))
    except ValueError:
        raise InvalidInput("id", f"{case_id!r} is not a case id (a UUID)") from None
