"""Typed domain errors: each says what was wrong and what is allowed."""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""


class InvalidInput(DomainError):
    """A command carried a value the domain does not accept."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class InvalidTime(InvalidInput):
    """An occurrence time that is malformed, in the future or out of order."""


class InvalidTransition(DomainError):
    """The command is not allowed in the case's current state."""

    def __init__(self, kind: str, state: str, command: str, allowed: Sequence[str]) -> None:
        allowed_text = ", ".join(allowed) if allowed else "none (the case has ended)"
        super().__init__(f"cannot {command} {kind} in state '{state}'; allowed: {allowed_text}")
        self.kind = kind
        self.state = state
        self.command = command
        self.allowed = tuple(allowed)


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
