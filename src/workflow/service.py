"""The application service: load, act, save once, atomically."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Recording

from workflow import inputs, intake
from workflow.case import Case, Stamp
from workflow.commands import CaseCommands, Instant
from workflow.errors import CaseNotFound, ConcurrencyConflict, IdempotencyConflict, InvalidInput
from workflow.events import CaseEvent
from workflow.history import HistoryEntry, entry_of
from workflow.intake import NewRequest
from workflow.personal_data import InMemoryReporters, ReporterRegistry

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Recorded:
    """A command's result: the case after it, and the log position of its last event."""

    case: Case
    position: int | None
    created: bool = True
    # The events this call recorded: for a new case, its whole history so far.
    events: tuple[CaseEvent, ...] = ()


class CaseService(CaseCommands, Application[UUID]):
    name = "cases"
    snapshotting_intervals = {Case: 50}  # noqa: RUF012 - the library reads a class attribute

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        clock: Clock = system_clock,
        reporters: ReporterRegistry | None = None,
    ) -> None:
        super().__init__(env)
        self.clock = clock
        self.reporters: ReporterRegistry = reporters or InMemoryReporters()

    # -- intake -----------------------------------------------------------------

    def receive(self, request: NewRequest, *, actor: str | None = None) -> Recorded:
        """Record a new request; a repeat of (channel, idempotency key) returns the same case."""
        fields = intake.validate(request)
        digest = intake.fingerprint(fields, request)
        if request.idempotency_key is None:
            case_id = uuid4()
        else:
            case_id = intake.case_id_for(fields["channel"], request.idempotency_key)
            existing = self._existing(case_id, fields["channel"], request.idempotency_key, digest)
            if existing is not None:
                return existing
        stamp = Stamp(
            actor or fields["received_by"], self.clock(), request.received_at, request.note
        )
        ref = intake.reporter_ref_for(case_id) if request.reporter else None
        case = Case.receive(case_id, stamp, reporter_ref=ref, fingerprint=digest, **fields)
        if request.reporter is not None and ref is not None:
            self.reporters.add(ref, request.reporter)
        try:
            recordings = self.save(case)
        except IntegrityError:
            # A concurrent duplicate saved first: answer as a retry would be answered.
            key = request.idempotency_key
            found = self._existing(case_id, fields["channel"], key, digest) if key else None
            if found is None:
                raise
            return found
        return _recorded(case, recordings)

    def _existing(self, case_id: UUID, channel: str, key: str, digest: str) -> Recorded | None:
        try:
            case: Case = self.repository.get(case_id)
        except AggregateNotFoundError:
            return None
        if case.fingerprint != digest:
            raise IdempotencyConflict(channel, key)
        return Recorded(case, None, created=False)

    # -- commands -----------------------------------------------------------------

    def _act(
        self,
        case_id: UUID | str,
        actor: str,
        at: Instant | None,
        note: str | None,
        expected_version: int | None,
        action: Callable[[Case, Stamp], None],
    ) -> Recorded:
        case = self.get(case_id)
        if expected_version is not None and expected_version != case.version:
            raise ConcurrencyConflict(case.id, expected_version, case.version)
        action(case, Stamp(actor, self.clock(), at, note))
        try:
            recordings = self.save(case)
        except IntegrityError:
            raise ConcurrencyConflict(case.id, expected_version, None) from None
        return _recorded(case, recordings)

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


def _recorded(case: Case, recordings: list[Recording[UUID]]) -> Recorded:
    events = tuple(cast(CaseEvent, r.domain_event) for r in recordings)
    return Recorded(case, recordings[-1].notification.id, events=events)
