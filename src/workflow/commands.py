"""One method per command: each loads the case, acts, and saves once (see `CaseService._act`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, Unpack
from uuid import UUID

from workflow.backdating import Backdating
from workflow.case import Case, Stamp

if TYPE_CHECKING:
    from workflow.service import Recorded

Instant = datetime | str
# Refuses a command by raising, given the case exactly as loaded for it and then saved.
Guard = Callable[[Case], None]


class CommandOptions(TypedDict, total=False):
    """What every command may carry besides its own fields."""

    at: Instant | None  # when it happened; default now
    note: str | None
    expected_version: int | None  # optimistic concurrency: fail if the case moved on
    late_reason: str | None  # why it is entered late (docs/sla.md)
    backdating: Backdating | None  # how late the actor may enter it; default the service's
    guard: Guard | None  # a caller's own condition, held by the same optimistic concurrency


def _opts(opts: CommandOptions) -> dict[str, Any]:
    return {
        "at": opts.get("at"),
        "note": opts.get("note"),
        "expected_version": opts.get("expected_version"),
        "late_reason": opts.get("late_reason"),
        "backdating": opts.get("backdating"),
        "guard": opts.get("guard"),
    }


class CaseCommands:
    """The commands of every kind; the application service supplies `_act`."""

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
        raise NotImplementedError

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
