"""The facts of one kind's own work: a repair's visit, a complaint's answer, a renovation's
permit and acceptance. Facts every kind records are in `workflow.events`."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from workflow.case_event import CaseEvent

if TYPE_CHECKING:
    from workflow.case import Case

# -- repair ---------------------------------------------------------------------


class Signed(CaseEvent):
    TOPIC = "propdesk.case.signed"


class Arrived(CaseEvent):
    TOPIC = "propdesk.case.arrived"


class Quoted(CaseEvent):
    TOPIC = "propdesk.case.quoted"
    amount: Decimal

    def evolve(self, case: Case) -> None:
        case.quoted_amount = self.amount
        case.quote_accepted = False


class QuoteAccepted(CaseEvent):
    TOPIC = "propdesk.case.quote_accepted"

    def evolve(self, case: Case) -> None:
        case.quote_accepted = True


# -- complaint ------------------------------------------------------------------


class Replied(CaseEvent):
    TOPIC = "propdesk.case.replied"
    message: str

    def evolve(self, case: Case) -> None:
        case.replies += 1
        if case.first_reply_at is None:
            case.first_reply_at = self.occurred_at


class Invalidated(CaseEvent):
    """无效投诉: ended with an explanation to the resident, never silently."""

    TOPIC = "propdesk.case.invalidated"
    reason: str
    explanation: str

    def evolve(self, case: Case) -> None:
        case.end_reason = self.reason


# -- renovation -----------------------------------------------------------------


class Approved(CaseEvent):
    TOPIC = "propdesk.case.approved"
    permit_no: str
    deposit: Decimal
    fee: Decimal

    def evolve(self, case: Case) -> None:
        case.permit_no = self.permit_no
        case.deposit = self.deposit
        case.fee = self.fee


class Rejected(CaseEvent):
    TOPIC = "propdesk.case.rejected"
    reasons: str

    def evolve(self, case: Case) -> None:
        case.end_reason = self.reasons


class Inspected(CaseEvent):
    """巡查: one inspection of renovation works."""

    TOPIC = "propdesk.case.inspected"
    findings: str
    violation: str | None

    def evolve(self, case: Case) -> None:
        case.inspections += 1
        if self.violation:
            case.violations.append(self.violation)


class AcceptanceRequested(CaseEvent):
    TOPIC = "propdesk.case.acceptance_requested"


class AcceptancePassed(CaseEvent):
    TOPIC = "propdesk.case.acceptance_passed"


class AcceptanceFailed(CaseEvent):
    """Acceptance failed: the works go on (back to `approved`)."""

    TOPIC = "propdesk.case.acceptance_failed"
    reasons: str


class DepositRefunded(CaseEvent):
    """The renovation's completion step: the deposit back, less anything withheld."""

    TOPIC = "propdesk.case.deposit_refunded"
    refunded: Decimal
    withheld: Decimal
    reason: str | None

    def evolve(self, case: Case) -> None:
        case.refunded = self.refunded
        case.withheld = self.withheld
        case.completed_at = self.occurred_at
