"""Typed domain errors: each says what was wrong and what is allowed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""


class InvalidInput(DomainError):
    """A command carried a value the domain does not accept."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class PersonalNumberInText(InvalidInput):
    """Free text holding a mobile or resident ID-card number (`workflow.personal_numbers`):
    the case's history is kept for good, and personal data belongs in the reporter's
    record, which can be erased. The number is named masked, never repeated whole."""

    def __init__(self, field: str, what: str, at: int, masked: str) -> None:
        super().__init__(
            field,
            f"holds what looks like {what} ({masked}) at character {at}; personal data is "
            "not kept in a case's history: give the reporter's name and phone in the "
            "reporter fields (reporter.name, reporter.phone), which can be erased, and "
            "leave the number out of this text",
        )
        self.what = what
        self.at = at
        self.masked = masked


class InvalidTime(InvalidInput):
    """An occurrence time that is malformed, in the future or out of order."""


class LateEntryRefused(InvalidTime):
    """An action dated further before it is recorded than the caller's limit allows."""

    def __init__(self, at: datetime, late_by: timedelta, limit: timedelta) -> None:
        super().__init__(
            "at",
            f"{at.isoformat()} is {span_text(late_by)} before it is recorded; "
            f"at most {span_text(limit)} back is allowed (with a late_reason)",
        )
        self.late_by = late_by
        self.limit = limit


def span_text(span: timedelta) -> str:
    """A duration as the settings write it: 40s, 15m, 6h 5m, 24h, 47h, 2d 6h, 7d (days
    only from two on, so that a day's limit reads 24h)."""
    seconds = int(span.total_seconds())
    if abs(seconds) < 60:
        return f"{seconds}s"
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(seconds, 86_400) if seconds >= 2 * 86_400 else (0, seconds)
    hours, rest = divmod(rest, 3_600)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (rest // 60, "m")) if n]
    return sign + " ".join(parts)


class InvalidTransition(DomainError):
    """The command is not allowed in the case's current state."""

    def __init__(self, kind: str, state: str, command: str, allowed: Sequence[str]) -> None:
        allowed_text = ", ".join(allowed) if allowed else "none (the case has ended)"
        super().__init__(f"cannot {command} {kind} in state '{state}'; allowed: {allowed_text}")
        self.kind = kind
        self.state = state
        self.command = command
        self.allowed = tuple(allowed)


class AlreadyOwned(InvalidTransition):
    """`claim` on a case that has its first-contact owner (首问人), in whatever state: only a
    case received unowned may be claimed, and only a handover moves ownership."""

    def __init__(self, kind: str, state: str, owner: str, allowed: Sequence[str]) -> None:
        allowed_text = ", ".join(allowed) if allowed else "none (the case has ended)"
        DomainError.__init__(
            self,
            f"cannot claim {kind} in state '{state}'; allowed: {allowed_text}; {owner!r} owns "
            "it already (首问人): only a case received unowned may be claimed, and only a "
            "handover moves ownership",
        )
        self.kind = kind
        self.state = state
        self.command = "claim"
        self.allowed = tuple(allowed)
        self.owner = owner


class NoReporterRecord(DomainError):
    """The case was recorded without a reporter: there is no personal data to erase."""

    def __init__(self, case_id: object) -> None:
        super().__init__(
            f"case {case_id} was recorded without a reporter: it has no record to erase"
        )
        self.case_id = case_id


class ReporterAlreadyErased(DomainError):
    """The reporter's record of the case is gone already: erased before, or never stored."""

    def __init__(self, case_id: object, erased_at: datetime | None) -> None:
        if erased_at is not None:
            gone = f"was erased already at {erased_at.isoformat()}"
        else:
            gone = "is not stored (erased before, or never written)"
        super().__init__(
            f"the reporter's record of case {case_id} {gone}; nothing is left to erase"
        )
        self.case_id = case_id
        self.erased_at = erased_at


class CaseNotFound(DomainError):
    def __init__(self, case_id: object) -> None:
        super().__init__(f"no case with id {case_id}")
        self.case_id = case_id


class ConcurrencyConflict(DomainError):
    """Another command changed the case first; reload and try again."""

    def __init__(self, case_id: object, expected: int | None, actual: int | None) -> None:
        if expected is None:
            detail = "another command saved a new version first"
        else:
            detail = f"expected version {expected}, the case is at version {actual}"
        super().__init__(f"case {case_id} changed concurrently: {detail}")
        self.case_id = case_id
        self.expected = expected
        self.actual = actual


class IdempotencyConflict(DomainError):
    """The idempotency key was used before with a different request."""

    def __init__(self, scope: str, key: str) -> None:
        kind, _, name = scope.rpartition(":")  # a channel's name, or a caller's KIND:NAME
        super().__init__(
            f"idempotency key {key!r} on {kind or 'channel'} {name!r} was already used "
            "for a different request; send a new key for a new request"
        )
        self.scope = scope
        self.key = key
