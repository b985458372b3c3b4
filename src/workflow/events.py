"""The facts of a case, one explicit class each, with stable topics.

A topic is the stored name of an event class. It is spelled out here, never
derived from the module path, so moving code never breaks replay. A stored
event's fields never change: a new field means a new `class_version` with an
upcaster (see docs/upcasting.md), or a new event class.

`evolve` changes the case's own fields from a fact, and the lifecycle table
gives its next state (`workflow.lifecycles.next_state`). Neither validates nor
fails: validation happened in the command, before the fact was recorded.

This module holds intake's fact and the facts of every kind's work; those of one
kind's own work are in `workflow.kind_events`. Import any of them from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

from workflow.case_event import CaseEvent
from workflow.communities import DEFAULT_COMMUNITY
from workflow.inputs import area_of
from workflow.kind_events import (
    AcceptanceFailed,
    AcceptancePassed,
    AcceptanceRequested,
    Approved,
    Arrived,
    DepositRefunded,
    Inspected,
    Invalidated,
    QuoteAccepted,
    Quoted,
    Rejected,
    Replied,
    Signed,
)

if TYPE_CHECKING:
    from workflow.case import Case


class Received(CaseEvent, Aggregate.Created):
    TOPIC = "propdesk.case.received"
    # Version 2 added `area` (the worked example of docs/upcasting.md); version 3
    # `late_reason`, as every case event's version 2 did; version 4 `community`; version 5
    # lets `received_by` be None: a request its resident submitted, received by no one.
    class_version = 5
    community: str
    kind: str
    channel: str
    location: str
    area: str
    category: str
    priority: str
    description: str
    reporter_ref: str | None
    # 首问人: who first received it; None for a self-service request (mini-program, app,
    # web form), which the first staff member to take it up owns (Claimed).
    received_by: str | None
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

    @staticmethod
    def upcast_v3_v4(state: dict[str, Any]) -> None:
        """Version 3 had no `community`: the deployment had one, now called the default."""
        state["community"] = DEFAULT_COMMUNITY

    @staticmethod
    def upcast_v4_v5(state: dict[str, Any]) -> None:
        """Version 4 always named its receiver, which version 5 may leave None: a stored
        version-4 event is a version-5 one as it stands."""

    def evolve(self, case: Case) -> None:
        case.community = self.community
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


class ResolvedAtFirstContact(CaseEvent):
    """当场解决: whoever took the request settled it at once, with no one dispatched."""

    TOPIC = "propdesk.case.resolved"
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


class Claimed(CaseEvent):
    """认领: a staff member took up a case received unowned and owns it from now on, as its
    首问人; the claimer is the event's actor. Recorded by `claim`, or before the first other
    command a staff member sends on the case, in the same save."""

    TOPIC = "propdesk.case.claimed"

    def evolve(self, case: Case) -> None:
        case.owner = self.actor
        case.claimed_by = self.actor
        case.claimed_at = self.occurred_at


class Cancelled(CaseEvent):
    TOPIC = "propdesk.case.cancelled"
    reason: str

    def evolve(self, case: Case) -> None:
        case.end_reason = self.reason


class Urged(CaseEvent):
    """催办: the resident chased the case; what they said is the event's note."""

    TOPIC = "propdesk.case.urged"

    def evolve(self, case: Case) -> None:
        case.urges += 1


class Amended(CaseEvent):
    """更正: what intake recorded, corrected. Each field holds its corrected value, or
    None where it was not corrected; `previous_*` what it held before."""

    TOPIC = "propdesk.case.amended"
    reason: str
    location: str | None
    previous_location: str | None
    category: str | None
    previous_category: str | None
    description: str | None
    previous_description: str | None

    def evolve(self, case: Case) -> None:
        if self.location is not None:
            case.location = self.location
            case.area = area_of(self.location)
        if self.category is not None:
            case.category = self.category
        if self.description is not None:
            case.description = self.description


class ReporterErased(CaseEvent):
    """The reporter's record (their personal data, kept outside the events) was erased
    under PIPL. It carries no personal data: who erased it is its actor, `reason` is an
    `ErasureReason` (a resident's request, or the retention period), `reporter_ref` the
    reference whose record is gone. Its note is always empty."""

    TOPIC = "propdesk.case.reporter_erased"
    reason: str
    reporter_ref: str

    def evolve(self, case: Case) -> None:
        case.reporter_erased_at = self.occurred_at


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
    Urged,
    ResolvedAtFirstContact,
    Amended,
    Claimed,
    ReporterErased,
)

for _event_class in CASE_EVENTS:
    register_topic(_event_class.TOPIC, _event_class)

__all__ = [
    "CASE_EVENTS",
    "AcceptanceFailed",
    "AcceptancePassed",
    "AcceptanceRequested",
    "Amended",
    "Approved",
    "Arrived",
    "CallbackRecorded",
    "Cancelled",
    "CaseEvent",
    "Claimed",
    "Completed",
    "DepositRefunded",
    "Dispatched",
    "HandedOver",
    "Held",
    "Inspected",
    "Invalidated",
    "QuoteAccepted",
    "Quoted",
    "Received",
    "Rejected",
    "Replied",
    "ReporterErased",
    "ResolvedAtFirstContact",
    "Resumed",
    "Signed",
    "Urged",
]
