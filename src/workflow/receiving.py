"""Intake: one new request at a time, or many in one transaction (group commit)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.persistence import IntegrityError, Recording

from workflow import communities, intake
from workflow.backdating import Backdating
from workflow.case import Case, Stamp
from workflow.communities import CommunityDirectory
from workflow.errors import DomainError, IdempotencyConflict, InvalidInput
from workflow.intake import NewRequest
from workflow.new_cases import NewCases
from workflow.personal_data import Reporter
from workflow.recorded import Recorded, recorded

WriteTurn = Callable[[], AbstractContextManager[object]]


@dataclass(frozen=True)
class _NewCase:
    """A validated request's case before it is saved."""

    case: Case
    scope: str  # where the key is unique (intake.key_scope)
    key: str | None
    digest: str
    reporter: tuple[str, Reporter] | None


@dataclass(frozen=True)
class Prepared:
    """A request ready to be saved: its case built, or None when it must go through
    `receive` (its key may be stored, and its refusal then comes second)."""

    request: NewRequest
    actor: str | None
    new: _NewCase | None
    backdating: Backdating | None = None  # the caller's rule; None: the service's


class CaseIntake:
    """`receive` and `receive_all`; the application service supplies what is declared here."""

    repository: Repository[UUID]
    new_cases: NewCases
    clock: Callable[[], datetime]
    write_turn: WriteTurn
    backdating: Backdating
    communities: CommunityDirectory

    def receive(
        self,
        request: NewRequest,
        *,
        actor: str | None = None,
        backdating: Backdating | None = None,
    ) -> Recorded:
        """Record a new request; a repeat of (scope, idempotency key) returns the same case.

        `backdating`: how far back the caller may date it (default: the service's rule)."""
        fields = self._validated(request)
        key = request.idempotency_key
        if key is not None:
            # A repeat is answered as such before the rest of the request is judged.
            digest = intake.fingerprint(fields, request)
            scope = intake.key_scope(request, fields["channel"])
            existing = self._existing(intake.case_id_for(scope, key), scope, key, digest)
            if existing is not None:
                return existing
        new = self._new_case(request, actor, backdating, fields)
        try:
            recordings = self._save_new([new])
        except IntegrityError:
            # A concurrent duplicate saved first: answer as a retry would be answered.
            found = self._existing(new.case.id, new.scope, key, new.digest) if key else None
            if found is None:
                raise
            return found
        return recorded(new.case, recordings)

    def receive_all(
        self, requests: Sequence[tuple[NewRequest, str | None]]
    ) -> list[Recorded | Exception]:
        """Group commit: many new requests saved in one transaction, each answered as
        `receive` would answer it alone: its Recorded, or the error that refused it.
        `prepare` each, then `receive_prepared` them."""
        answers: dict[int, Recorded | Exception] = {}
        prepared: dict[int, Prepared] = {}
        for i, (request, actor) in enumerate(requests):
            try:
                prepared[i] = self.prepare(request, actor)
            except DomainError as error:
                answers[i] = error
        answers.update(zip(prepared, self.receive_prepared(list(prepared.values())), strict=True))
        return [answers[i] for i in range(len(requests))]

    def prepare(
        self,
        request: NewRequest,
        actor: str | None = None,
        backdating: Backdating | None = None,
    ) -> Prepared:
        """Validates the request and builds its case, unsaved: the part of intake that
        needs no storage, so that a caller can do it on its own thread.

        Raises the DomainError that refuses a request without an idempotency key. A
        request with one may be a repeat, which is answered before its errors: it is
        prepared to go through `receive`."""
        try:
            return Prepared(request, actor, self._new_case(request, actor, backdating), backdating)
        except DomainError:
            if request.idempotency_key is None:
                raise
            return Prepared(request, actor, None, backdating)

    def receive_prepared(self, prepared: Sequence[Prepared]) -> list[Recorded | Exception]:
        """Saves prepared requests in one transaction; answers as `receive_all` does.

        A request whose key may be stored already (created here lately, or twice in the
        batch) goes through `receive`. If the save still meets a stored key, another
        process got there first and every request of the batch goes through `receive`.
        Raises only when the batch's own save fails, and then nothing was saved."""
        answers: dict[int, Recorded | Exception] = {}
        batch: dict[int, _NewCase] = {}
        alone: list[int] = []
        ids: set[UUID] = set()
        for i, item in enumerate(prepared):
            new = item.new
            if new is None or new.case.id in ids or self.new_cases.saved_lately(new.case.id):
                alone.append(i)
            else:
                ids.add(new.case.id)
                batch[i] = new
        if batch:
            try:
                recordings = self._save_new(list(batch.values()))
            except IntegrityError:
                alone.extend(batch)
            else:
                by_case: dict[UUID, list[Recording[UUID]]] = {}
                for recording in recordings:
                    by_case.setdefault(recording.domain_event.originator_id, []).append(recording)
                for i, new in batch.items():
                    answers[i] = recorded(new.case, by_case[new.case.id])
        for i in sorted(alone):
            item = prepared[i]
            try:
                answers[i] = self.receive(
                    item.request, actor=item.actor, backdating=item.backdating
                )
            except Exception as error:  # the others' answers stand: they may be saved
                answers[i] = error
        return [answers[i] for i in range(len(prepared))]

    def _save_new(self, cases: list[_NewCase]) -> list[Recording[UUID]]:
        """The cases, with their reporters' records, in one turn at writing.

        Records are written only for cases saved: a request that meets a stored key
        writes none, so it can neither leave a record no case refers to nor bring back
        one that was erased."""
        records = [n.reporter for n in cases if n.reporter]
        events = [event for new in cases for event in new.case.collect_events()]
        with self.write_turn():
            return self.new_cases.save(events, records)

    def _new_case(
        self,
        request: NewRequest,
        actor: str | None,
        backdating: Backdating | None,
        fields: dict[str, Any] | None = None,
    ) -> _NewCase:
        """Validates the request (unless `fields` are its validated fields already) and
        builds its case, unsaved."""
        fields = fields if fields is not None else self._validated(request)
        intake.refuse_personal_numbers(request)
        digest = intake.fingerprint(fields, request)
        key = request.idempotency_key
        scope = intake.key_scope(request, fields["channel"])
        case_id = uuid4() if key is None else intake.case_id_for(scope, key)
        recorder = actor or fields["received_by"]
        if recorder is None:
            raise InvalidInput(
                "received_by",
                "a request received by no one (self-service) is recorded by the channel that "
                "submitted it: name that channel as the actor, or who received it",
            )
        stamp = Stamp(
            recorder,
            self.clock(),
            request.received_at,
            request.note,
            request.late_reason,
            backdating or self.backdating,
        )
        ref = intake.reporter_ref_for(case_id) if request.reporter else None
        case = Case.receive(case_id, stamp, reporter_ref=ref, fingerprint=digest, **fields)
        reporter = (ref, request.reporter) if ref and request.reporter else None
        return _NewCase(case, scope, key, digest, reporter)

    def _validated(self, request: NewRequest) -> dict[str, Any]:
        """The Received event's fields: the request's, validated, and its community."""
        fields = intake.validate(request)
        fields["community"] = communities.resolve(request.community, self.communities)
        return fields

    def _existing(self, case_id: UUID, scope: str, key: str, digest: str) -> Recorded | None:
        try:
            case: Case = self.repository.get(case_id)
        except AggregateNotFoundError:
            return None
        if case.fingerprint != digest:
            raise IdempotencyConflict(scope, key)
        return Recorded(case, None, created=False)
