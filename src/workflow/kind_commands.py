"""The commands of one kind's own work: a repair's visit, a complaint's answer, a
renovation's permit and acceptance. `Case` takes them in; the commands every kind
accepts are in `workflow.case`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from workflow import inputs, labels
from workflow import kind_events as ev
from workflow.case_event import CaseEvent
from workflow.errors import InvalidInput
from workflow.stamp import Stamp


class _Recording(Protocol):
    """What these commands need of the case: its state, its lifecycle, and recording."""

    state: str
    deposit: Decimal | None

    def check(self, command: str) -> None: ...

    def _record(
        self, command: str, event_class: type[CaseEvent], stamp: Stamp, **fields: Any
    ) -> None: ...


class RepairWork:
    def sign(self: _Recording, stamp: Stamp) -> None:
        self._record("sign", ev.Signed, stamp)

    def arrive(self: _Recording, stamp: Stamp) -> None:
        self._record("arrive", ev.Arrived, stamp)

    def quote(self: _Recording, stamp: Stamp, amount: Decimal | str | int) -> None:
        self.check("quote")
        value = inputs.money("amount", amount)
        if value <= 0:
            raise InvalidInput("amount", "a quote must be above 0; free work needs no quote")
        self._record("quote", ev.Quoted, stamp, amount=value)

    def accept_quote(self: _Recording, stamp: Stamp) -> None:
        self._record("accept_quote", ev.QuoteAccepted, stamp)


class ComplaintWork:
    def reply(self: _Recording, stamp: Stamp, message: str) -> None:
        self.check("reply")  # the state first, then fields
        self._record(
            "reply",
            ev.Replied,
            stamp,
            message=inputs.free_text("message", message, limit=inputs.LONG_TEXT),
        )

    def invalidate(self: _Recording, stamp: Stamp, reason: str, explanation: str) -> None:
        self.check("invalidate")  # the state first, then fields
        self._record(
            "invalidate",
            ev.Invalidated,
            stamp,
            reason=inputs.free_text("reason", reason),
            explanation=inputs.free_text("explanation", explanation, limit=inputs.LONG_TEXT),
        )


class RenovationWork:
    def approve(
        self: _Recording,
        stamp: Stamp,
        permit_no: str,
        deposit: Decimal | str | int,
        fee: Decimal | str | int,
    ) -> None:
        self.check("approve")
        self._record(
            "approve",
            ev.Approved,
            stamp,
            permit_no=labels.permit_no(permit_no),
            deposit=inputs.money("deposit", deposit),
            fee=inputs.money("fee", fee),
        )

    def reject(self: _Recording, stamp: Stamp, reasons: str) -> None:
        self.check("reject")  # the state first, then fields
        self._record(
            "reject",
            ev.Rejected,
            stamp,
            reasons=inputs.free_text("reasons", reasons, limit=inputs.LONG_TEXT),
        )

    def inspect(
        self: _Recording, stamp: Stamp, findings: str, violation: str | None = None
    ) -> None:
        self.check("inspect")  # the state first, then fields
        self._record(
            "inspect",
            ev.Inspected,
            stamp,
            findings=inputs.free_text("findings", findings, limit=inputs.LONG_TEXT),
            violation=inputs.free_text(
                "violation", violation, limit=inputs.LONG_TEXT, required=False
            )
            or None,
        )

    def request_acceptance(self: _Recording, stamp: Stamp) -> None:
        self._record("request_acceptance", ev.AcceptanceRequested, stamp)

    def pass_acceptance(self: _Recording, stamp: Stamp) -> None:
        self._record("pass_acceptance", ev.AcceptancePassed, stamp)

    def fail_acceptance(self: _Recording, stamp: Stamp, reasons: str) -> None:
        self.check("fail_acceptance")  # the state first, then fields
        self._record(
            "fail_acceptance",
            ev.AcceptanceFailed,
            stamp,
            reasons=inputs.free_text("reasons", reasons, limit=inputs.LONG_TEXT),
        )

    def refund_deposit(
        self: _Recording,
        stamp: Stamp,
        refunded: Decimal | str | int,
        withheld: Decimal | str | int = 0,
        reason: str | None = None,
    ) -> None:
        self.check("refund_deposit")
        back = inputs.money("refunded", refunded)
        kept = inputs.money("withheld", withheld)
        deposit = self.deposit or Decimal("0.00")
        if back + kept != deposit:
            raise InvalidInput(
                "refunded", f"refunded {back} plus withheld {kept} must equal the deposit {deposit}"
            )
        why = inputs.free_text("reason", reason, limit=inputs.LONG_TEXT, required=kept > 0) or None
        self._record(
            "refund_deposit", ev.DepositRefunded, stamp, refunded=back, withheld=kept, reason=why
        )
