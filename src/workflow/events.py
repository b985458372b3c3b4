"""The facts of a case, one explicit class each, with stable topics.

A topic is the stored name of an event class. It is spelled out here, never
derived from the module path, so moving code never breaks replay. A stored
event's fields never change: a new field means a new `class_version` with an
upcaster (see docs/upcasting.md), or a new event class.

`evolve` changes the case's own fields from a fact, and the lifecycle table
gives its next state (`workflow.lifecycles.next_state`). Neither validates nor
fails: validation happened in the command, before the fact was recorded.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

from workflow.inputs import area_of

if TYPE_CHECKING:
    from workflow.case import Case


class CaseEvent(Aggregate.Event):
    """Every fact names who did it, when it happened, and an optional note.

    When it was recorded is the inherited `timestamp`. A fact entered late carries why
    (`late_reason`, docs/sla.md); it is None for one entered on time.
    """

    TOPIC: ClassVar[str]
    # Version 2 added `late_reason`, to every case event at once: each class inherits the
    # version and the upcaster unless it declares its own (Received).
    class_version: ClassVar[int] = 2
    actor: str
    occurred_at: datetime
    note: str
    late_reason: str | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Before version 2 nothing was entered late: every fact was on time."""
        state["late_reason"] = None

    @property
    def late(self) -> bool:
        """Whether this fact is a late entry: one recorded with a reason for being late."""
        return self.late_reason is not None

    def apply(self, aggregate: Any) -> None:
        case: Case = aggregate
        case.advance(self)

    def evolve(self, case: Case) -> None:
        """How this fact changes the case's own fields; its state comes from the
        lifecycle table (`Case.advance`)."""


class Received(CaseEvent, Aggregate.Created):
    TOPIC = "propdesk.case.received"
    # Version 2 added `area` (the worked example of docs/upcasting.md); version 3
    # `late_reason`, as every case event's version 2 did.
    class_version = 3
    kind: str
    channel: str
    location: str
    area: str
    category: str
    priority: str
    description: str
    reporter_ref: str | None
    received_by: str
    details: dict[str, str]
    fingerprint: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 had no `area`: derive it from the location, as intake does."""
        state["area"] = area_of(state["location"])

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """Version 2 had no `late_reason`: nothing was entered late."""
        CaseEvent.upcast_v1_v2(state)

    def evolve(self, case: Case) -> None:
        case.kind = self.kind
        case.channel = self.channel
        case.location = self.location
        case.area = self.area
        case.category = self.category
        case.priority = self.priority
        case.description = self.description
        case.reporter_ref = self.reporter_ref
        case.details = dict(self.details)
        case.fingerprint = self.fingerprint
        case.received_by = self.received_by
        case.received_at = self.occurred_at
        case.owner = self.received_by  # 首问负责制: the first receiver owns the case
        case.state = "received"
        case.start_tracking()


class Dispatched(CaseEvent):
    TOPIC = "propdesk.case.dispatched"
    assignee: str
    team: str | None

    def evolve(self, case: Case) -> None:
        case.assignee = self.assignee
        case.team = self.team
        if self.assignee not in case.assignees:
            case.assignees.append(self.assignee)
        case.dispatch_count += 1


class Held(CaseEvent):
    TOPIC = "propdesk.case.held"
    reason: str

    def evolve(self, case: Case) -> None:
        case.held_from = case.state
        case.hold_reason = self.reason


class Resumed(CaseEvent):
    TOPIC = "propdesk.case.resumed"

    def evolve(self, case: Case) -> None:
        case.held_from = None
        case.hold_reason = None


class Completed(CaseEvent):
    TOPIC = "propdesk.case.completed"
    resolution: str

    def evolve(self, case: Case) -> None:
        case.resolution = self.resolution
        case.completed_at = self.occurred_at


class CallbackRecorded(CaseEvent):
    """回访: customer service called the resident back."""

    TOPIC = "propdesk.case.callback_recorded"
    outcome: str
    comment: str

    def evolve(self, case: Case) -> None:
        case.callbacks.append(self.outcome)


class HandedOver(CaseEvent):
    """交接: the only way first-contact ownership moves."""

    TOPIC = "propdesk.case.handed_over"
    previous_owner: str
    to: str
    reason: str

    def evolve(self, case: Case) -> None:
        case.owner = self.to
        case.handovers += 1


class Cancelled(CaseEvent):
    TOPIC = "propdesk.case.cancelled"
    reason: str

    def evolve(self, case: Case) -> None:
        case.end_reason = self.reason


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


CASE_EVENTS: tuple[type[CaseEvent], ...] = (
    Received,
    Dispatched,
    Signed,
    Arrived,
    Quoted,
    QuoteAccepted,
    Held,
    Resumed,
    Replied,
    Completed,
    CallbackRecorded,
    HandedOver,
    Cancelled,
    Invalidated,
    Approved,
    Rejected,
    Inspected,
    AcceptanceRequested,
    AcceptancePassed,
    AcceptanceFailed,
    DepositRefunded,
)

for _event_class in CASE_EVENTS:
    register_topic(_event_class.TOPIC, _event_class)
