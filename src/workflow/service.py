"""The application service: load, act, save once, atomically."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypedDict, Unpack, cast
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from workflow import inputs, intake
from workflow.case import Case, Stamp
from workflow.errors import CaseNotFound, ConcurrencyConflict, IdempotencyConflict, InvalidInput
from workflow.events import CaseEvent
from workflow.history import HistoryEntry, entry_of
from workflow.intake import NewRequest
from workflow.personal_data import InMemoryReporters, ReporterRegistry

Clock = Callable[[], datetime]
Instant = datetime | str


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Recorded:
    """A command's result: the case after it, and the log position of its last event."""

    case: Case
    position: int | None
    created: bool = True


class CaseService(Application[UUID]):
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
        return Recorded(case, recordings[-1].notification.id, created=True)

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
        return Recorded(case, recordings[-1].notification.id)

    def dispatch(
        self,
        case_id: UUID | str,
        *,
        actor: str,
        assignee: str,
        team: str | None = None,
        **opts: Unpack[CommandOptions],
    ) -> Recorded:
        return self._act(
            case_id, actor, action=lambda c, s: c.dispatch(s, assignee, team), **_opts(opts)
        )

    def sign(self, case_id: UUID | str, *, actor: str, **opts: Unpack[CommandOptions]) -> Recorded:
        return self._act(case_id, actor, action=lambda c, s: c.sign(s), **_opts(opts))

    def arrive(
        self, case_id: UUID | str, *, actor: str, **opts: Unpack[CommandOptions]
    ) -> Recorded:
        return self._act(case_id, actor, action=lambda c, s: c.arrive(s), **_opts(opts))

    def quote(
        self,
        case_id: UUID | str,
        *,
        actor: str,
        amount: Decimal | str | int,
        **opts: Unpack[CommandOptions],
    ) -> Recorded:
        return self._act(case_id, actor, action=lambda c, s: c.quote(s, amount), **_opts(opts))

    def accept_quote(
        self, case_id: UUID | str, *, actor: str, **opts: Unpack[CommandOptions]
    ) -> Recorded:
        return self._act(case_id, actor, action=lambda c, s: c.accept_quote(s), **_opts(opts))

    def hold(
        self, case_id: UUID | str, *, actor: str, reason: str, **opts: Unpack[CommandOptions]
    ) -> Recorded:
        return self._act(case_id, actor, action=lambda c, s: c.hold(s, reason), **_opts(opts))

    def resume(
        self, case_id: UUID | str, *, actor: str, **opts: Unpack[CommandOptions]
    ) -> Recorded:
        return self._act(case_id, actor, action=lambda c, s: c.resume(s), **_opts(opts))

    def reply(
        self, case_id: UUID | str, *, actor: str, message: str, **opts: Unpack[CommandOptions]
    ) -> Recorded:
        return self._act(case_id, actor, action=lambda c, s: c.reply(s, message), **_opts(opts))

    def complete(
        self, case_id: UUID | str, *, actor: str, resolution: str, **opts: Unpack[CommandOptions]
    ) -> Recorded:
        return self._act(
            case_id, actor, action=lambda c, s: c.complete(s, resolution), **_opts(opts)
        )

    def callback(
        self,
        case_id: UUID | str,
        *,
        actor: str,
        outcome: str,
        comment: str | None = None,
        **opts: Unpack[CommandOptions],
    ) -> Recorded:
        return self._act(
            case_id, actor, action=lambda c, s: c.callback(s, outcome, comment), **_opts(opts)
        )

    def handover(
        self,
        case_id: UUID | str,
        *,
        actor: str,
        to: str,
        reason: str,
        **opts: Unpack[CommandOptions],
    ) -> Recorded:
        return self._act(
            case_id, actor, action=lambda c, s: c.handover(s, to, reason), **_opts(opts)
        )

    def cancel(
        self, case_id: UUID | str, *, actor: str, reason: str, **opts: Unpack[CommandOptions]
    ) -> Recorded:
        return self._act(case_id, actor, action=lambda c, s: c.cancel(s, reason), **_opts(opts))

    def invalidate(
        self,
        case_id: UUID | str,
        *,
        actor: str,
        reason: str,
        explanation: str,
        **opts: Unpack[CommandOptions],
    ) -> Recorded:
        return self._act(
            case_id, actor, action=lambda c, s: c.invalidate(s, reason, explanation), **_opts(opts)
        )

    def approve(
        self,
        case_id: UUID | str,
        *,
        actor: str,
        permit_no: str,
        deposit: Decimal | str | int,
        fee: Decimal | str | int,
        **opts: Unpack[CommandOptions],
    ) -> Recorded:
        return self._act(
            case_id, actor, action=lambda c, s: c.approve(s, permit_no, deposit, fee), **_opts(opts)
        )

    def reject(
        self, case_id: UUID | str, *, actor: str, reasons: str, **opts: Unpack[CommandOptions]
    ) -> Recorded:
        return self._act(case_id, actor, action=lambda c, s: c.reject(s, reasons), **_opts(opts))

    def inspect(
        self,
        case_id: UUID | str,
        *,
        actor: str,
        findings: str,
        violation: str | None = None,
        **opts: Unpack[CommandOptions],
    ) -> Recorded:
        return self._act(
            case_id, actor, action=lambda c, s: c.inspect(s, findings, violation), **_opts(opts)
        )

    def request_acceptance(
        self, case_id: UUID | str, *, actor: str, **opts: Unpack[CommandOptions]
    ) -> Recorded:
        return self._act(case_id, actor, action=lambda c, s: c.request_acceptance(s), **_opts(opts))

    def pass_acceptance(
        self, case_id: UUID | str, *, actor: str, **opts: Unpack[CommandOptions]
    ) -> Recorded:
        return self._act(case_id, actor, action=lambda c, s: c.pass_acceptance(s), **_opts(opts))

    def fail_acceptance(
        self, case_id: UUID | str, *, actor: str, reasons: str, **opts: Unpack[CommandOptions]
    ) -> Recorded:
        return self._act(
            case_id, actor, action=lambda c, s: c.fail_acceptance(s, reasons), **_opts(opts)
        )

    def refund_deposit(
        self,
        case_id: UUID | str,
        *,
        actor: str,
        refunded: Decimal | str | int,
        withheld: Decimal | str | int = 0,
        reason: str | None = None,
        **opts: Unpack[CommandOptions],
    ) -> Recorded:
        return self._act(
            case_id,
            actor,
            action=lambda c, s: c.refund_deposit(s, refunded, withheld, reason),
            **_opts(opts),
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


class CommandOptions(TypedDict, total=False):
    """What every command may carry besides its own fields."""

    at: Instant | None  # when it happened; default now
    note: str | None
    expected_version: int | None  # optimistic concurrency: fail if the case moved on


def _opts(opts: CommandOptions) -> dict[str, Any]:
    return {
        "at": opts.get("at"),
        "note": opts.get("note"),
        "expected_version": opts.get("expected_version"),
    }
