"""The application service: load, act, save once, atomically."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Recording

from workflow import inputs, intake
from workflow.case import Case, Stamp
from workflow.commands import CaseCommands, Instant
from workflow.errors import (
    CaseNotFound,
    ConcurrencyConflict,
    DomainError,
    IdempotencyConflict,
    InvalidInput,
)
from workflow.events import CaseEvent
from workflow.history import HistoryEntry, entry_of
from workflow.intake import NewRequest
from workflow.personal_data import InMemoryReporters, Reporter, ReporterRegistry

Clock = Callable[[], datetime]
WriteTurn = Callable[[], AbstractContextManager[object]]


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


@dataclass(frozen=True)
class _NewCase:
    """A validated request's case before it is saved."""

    case: Case
    channel: str
    key: str | None
    digest: str
    reporter: tuple[str, Reporter] | None


class _RecentIds:
    """Ids of the cases this process created lately: a retry of one of them would make a
    group commit fail, so it is answered alone."""

    def __init__(self, size: int = 4096) -> None:
        self._ids: OrderedDict[UUID, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def remember(self, case_id: UUID) -> None:
        with self._lock:
            self._ids[case_id] = None
            if len(self._ids) > self._size:
                self._ids.popitem(last=False)

    def __contains__(self, case_id: object) -> bool:
        return case_id in self._ids


class CaseService(CaseCommands, Application[UUID]):
    name = "cases"
    snapshotting_intervals = {Case: 50}  # noqa: RUF012 - the library reads a class attribute

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        clock: Clock = system_clock,
        reporters: ReporterRegistry | None = None,
        write_turn: WriteTurn = nullcontext,
    ) -> None:
        super().__init__(env)
        self.clock = clock
        # Held around every write: the storage may want writers to queue (one SQLite file).
        self._write_turn = write_turn
        self.reporters: ReporterRegistry = reporters or InMemoryReporters()
        self._recent = _RecentIds()

    # -- intake -----------------------------------------------------------------

    def receive(self, request: NewRequest, *, actor: str | None = None) -> Recorded:
        """Record a new request; a repeat of (channel, idempotency key) returns the same case."""
        new = self._new_case(request, actor)
        existing = self._existing(new)
        if existing is not None:
            return existing
        try:
            with self._write_turn():
                if new.reporter is not None:
                    self.reporters.add(*new.reporter)
                recordings = self.save(new.case)
        except IntegrityError:
            # A concurrent duplicate saved first: answer as a retry would be answered.
            found = self._existing(new)
            if found is None:
                raise
            return found
        self._recent.remember(new.case.id)
        return _recorded(new.case, recordings)

    def receive_all(
        self, requests: Sequence[tuple[NewRequest, str | None]]
    ) -> list[Recorded | DomainError]:
        """Group commit: many new requests in one transaction, each answered as `receive`
        would answer it alone (its Recorded, or the DomainError that refused it).

        A request whose key may be stored already (created here lately, or twice in the
        batch) goes through `receive`. If the save still meets a stored key, another
        process got there first and every request of the batch goes through `receive`."""
        answers: dict[int, Recorded | DomainError] = {}
        batch: dict[int, _NewCase] = {}
        alone: list[int] = []
        for i, (request, actor) in enumerate(requests):
            try:
                new = self._new_case(request, actor)
            except DomainError as error:
                answers[i] = error
                continue
            seen = any(n.case.id == new.case.id for n in batch.values())
            if seen or new.case.id in self._recent:
                alone.append(i)
            else:
                batch[i] = new
        if batch:
            try:
                with self._write_turn():
                    self.reporters.add_all([n.reporter for n in batch.values() if n.reporter])
                    recordings = self.save(*(n.case for n in batch.values()))
            except IntegrityError:
                alone.extend(batch)
            else:
                for i, new in batch.items():
                    mine = [r for r in recordings if r.domain_event.originator_id == new.case.id]
                    answers[i] = _recorded(new.case, mine)
                    self._recent.remember(new.case.id)
        for i in sorted(alone):
            request, actor = requests[i]
            try:
                answers[i] = self.receive(request, actor=actor)
            except DomainError as error:
                answers[i] = error
        return [answers[i] for i in range(len(requests))]

    def _new_case(self, request: NewRequest, actor: str | None) -> _NewCase:
        """Validates the request and builds its case, unsaved."""
        fields = intake.validate(request)
        digest = intake.fingerprint(fields, request)
        key = request.idempotency_key
        case_id = uuid4() if key is None else intake.case_id_for(fields["channel"], key)
        stamp = Stamp(
            actor or fields["received_by"], self.clock(), request.received_at, request.note
        )
        ref = intake.reporter_ref_for(case_id) if request.reporter else None
        case = Case.receive(case_id, stamp, reporter_ref=ref, fingerprint=digest, **fields)
        reporter = (ref, request.reporter) if ref and request.reporter else None
        return _NewCase(case, fields["channel"], key, digest, reporter)

    def _existing(self, new: _NewCase) -> Recorded | None:
        if new.key is None:
            return None
        try:
            case: Case = self.repository.get(new.case.id)
        except AggregateNotFoundError:
            return None
        if case.fingerprint != new.digest:
            raise IdempotencyConflict(new.channel, new.key)
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
            with self._write_turn():
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
