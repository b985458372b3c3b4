"""Facts: the part of each event the read models need, in a plain storable form."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from projections.times import EPOCH, MICROSECOND
from workflow.events import CallbackRecorded, CaseEvent, Dispatched, HandedOver, Received

# Event type -> the policy signal it gives (see policies/default.toml).
_SIGNALS: dict[str, str] = {
    "Received": "received",
    "Dispatched": "dispatched",
    "Arrived": "arrived",
    "Completed": "completed",
    "DepositRefunded": "completed",
    "Replied": "replied",
    "Approved": "decided",
    "Rejected": "decided",
    "AcceptanceRequested": "acceptance_requested",
    "AcceptancePassed": "acceptance_decided",
    "AcceptanceFailed": "acceptance_decided",
}


@dataclass(slots=True)  # not frozen: a frozen dataclass is several times slower to build
class Fact:
    position: int
    case_id: str
    version: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: str
    data: dict[str, Any] = field(default_factory=dict)
    # The two times again as integer microseconds, the read models' storage form,
    # carried along so that the hot path converts each time once.
    occurred_us: int = 0
    recorded_us: int = 0

    @property
    def signal(self) -> str | None:
        if self.type == "CallbackRecorded":
            return None if self.data.get("outcome") == "unreachable" else "callback_reached"
        return _SIGNALS.get(self.type)


def data_of(event: CaseEvent) -> dict[str, Any]:
    """The part of an event's data the read models use."""
    if isinstance(event, Received):
        return {
            "kind": event.kind, "priority": event.priority, "category": event.category,
            "location": event.location, "channel": event.channel,
            "received_by": event.received_by,
        }  # fmt: skip
    if isinstance(event, Dispatched):
        return {"assignee": event.assignee}
    if isinstance(event, CallbackRecorded):
        return {"outcome": event.outcome}
    if isinstance(event, HandedOver):
        return {"previous_owner": event.previous_owner, "to": event.to}
    return {}


def fact_of(event: CaseEvent, position: int) -> Fact:
    return Fact(
        position=position,
        case_id=str(event.originator_id),
        version=event.originator_version,
        type=type(event).__name__,
        occurred_at=event.occurred_at,
        recorded_at=event.timestamp,
        actor=event.actor,
        data=data_of(event),
        occurred_us=(event.occurred_at - EPOCH) // MICROSECOND,
        recorded_us=(event.timestamp - EPOCH) // MICROSECOND,
    )
