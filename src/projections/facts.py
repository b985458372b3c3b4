"""Facts: the part of each event the read models need, in a plain storable form."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from projections.times import EPOCH, MICROSECOND
from workflow.events import (
    AcceptanceFailed,
    AcceptancePassed,
    AcceptanceRequested,
    Amended,
    Approved,
    Arrived,
    CallbackRecorded,
    CaseEvent,
    Claimed,
    Completed,
    DepositRefunded,
    Dispatched,
    HandedOver,
    Received,
    Rejected,
    Replied,
    ReporterErased,
    ResolvedAtFirstContact,
)

# The policy signal each event gives (see policies/default.toml), by its topic.
_SIGNALS: dict[str, str] = {
    Received.TOPIC: "received",
    Claimed.TOPIC: "claimed",
    Dispatched.TOPIC: "dispatched",
    Arrived.TOPIC: "arrived",
    Completed.TOPIC: "completed",
    DepositRefunded.TOPIC: "completed",
    ResolvedAtFirstContact.TOPIC: "completed",
    Replied.TOPIC: "replied",
    Approved.TOPIC: "decided",
    Rejected.TOPIC: "decided",
    AcceptanceRequested.TOPIC: "acceptance_requested",
    AcceptancePassed.TOPIC: "acceptance_decided",
    AcceptanceFailed.TOPIC: "acceptance_decided",
}


# An event as a row of the timeline read model: position, case_id, version, topic,
# occurred_at and recorded_at (integer microseconds), actor, `value`, the one
# datum a report needs: the assignee, the callback outcome, the new owner, or why a
# reporter's record was erased (for a
# correction, JSON of the location and category it corrected, each one's old and new
# value), and
# `late`, 1 for a late entry (one recorded with a late reason), else 0.
TimelineRow = tuple[int, str, int, str, int, int, str, str | None, int]


@dataclass(slots=True)  # not frozen: a frozen dataclass is several times slower to build
class Fact:
    position: int
    case_id: str
    version: int
    topic: str  # the event class's stable TOPIC
    occurred_at: datetime
    actor: str
    data: dict[str, Any] = field(default_factory=dict)
    # Times as integer microseconds, the read models' storage form. The recording time
    # matters only at intake, so only the occurrence is also kept as a datetime.
    occurred_us: int = 0
    recorded_us: int = 0
    row: TimelineRow | None = None  # the compact form it came from, if any
    late: bool = False  # a late entry: recorded with a reason for being late

    @property
    def signal(self) -> str | None:
        if self.topic == CallbackRecorded.TOPIC:
            return None if self.data.get("outcome") == "unreachable" else "callback_reached"
        return _SIGNALS.get(self.topic)


# With the row, the data it leaves out: a Received's case details, a handover's parties.
Compact = tuple[TimelineRow, dict[str, Any] | None]


def compact(event: CaseEvent, position: int) -> Compact:
    """An event reduced to what the read models use: plain values, cheap to store and send."""
    value: str | None = None
    extra: dict[str, Any] | None = None
    if isinstance(event, Received):
        extra = {
            "community": event.community, "kind": event.kind, "priority": event.priority,
            "category": event.category, "location": event.location, "channel": event.channel,
            "received_by": event.received_by, "description": event.description,
            "reporter_ref": event.reporter_ref,
        }  # fmt: skip
    elif isinstance(event, Dispatched):
        value = event.assignee
    elif isinstance(event, CallbackRecorded):
        value = event.outcome
    elif isinstance(event, HandedOver):
        value = event.to
        extra = {"previous_owner": event.previous_owner, "to": event.to}
    elif isinstance(event, ReporterErased):
        value = event.reason
    elif isinstance(event, Amended):
        extra = corrected(event)
        value = json.dumps(extra, ensure_ascii=False) if extra else None
        if event.description is not None and event.previous_description is not None:
            # For the case index only: the timeline keeps no descriptions (they are long,
            # and the as-of views that read it have no use for them).
            extra = {**extra, "description": [event.previous_description, event.description]}
    row = (
        position,
        str(event.originator_id),
        event.originator_version,
        event.TOPIC,
        (event.occurred_at - EPOCH) // MICROSECOND,
        (event.timestamp - EPOCH) // MICROSECOND,
        event.actor,
        value,
        1 if event.late_reason is not None else 0,
    )
    return row, extra


_VALUE_FIELD = {
    Dispatched.TOPIC: "assignee",
    CallbackRecorded.TOPIC: "outcome",
    HandedOver.TOPIC: "to",
    ReporterErased.TOPIC: "reason",
}


def corrected(event: Amended) -> dict[str, list[str]]:
    """The location and category a correction changed, [old, new] by field: what the
    timeline keeps of it."""
    pairs = {
        "location": (event.previous_location, event.location),
        "category": (event.previous_category, event.category),
    }
    return {name: [old, new] for name, (old, new) in pairs.items() if old and new}


_AMENDED = Amended.TOPIC


def expand(row: TimelineRow, extra: dict[str, Any] | None) -> Fact:
    """The fact of a compact event (from `compact`, or from the timeline read model)."""
    position, case_id, version, topic, occurred_us, recorded_us, actor, value, late = row
    if extra is not None:
        data = extra
    elif topic == _AMENDED:
        data = json.loads(value) if value else {}
    elif topic in _VALUE_FIELD:
        data = {_VALUE_FIELD[topic]: value}
    else:
        data = {}
    return Fact(
        position, case_id, version, topic, EPOCH + timedelta(microseconds=occurred_us),
        actor, data, occurred_us, recorded_us, row, bool(late),
    )  # fmt: skip


def fact_of(event: CaseEvent, position: int) -> Fact:
    return expand(*compact(event, position))


def timeline_row(fact: Fact) -> TimelineRow:
    if fact.row is not None:
        return fact.row
    field_name = _VALUE_FIELD.get(fact.topic)
    if fact.topic == _AMENDED:
        kept = {k: v for k, v in fact.data.items() if k != "description"}
        value = json.dumps(kept, ensure_ascii=False) if kept else None
    else:
        value = None if field_name is None else str(fact.data[field_name])
    return (
        fact.position, fact.case_id, fact.version, fact.topic,
        fact.occurred_us, fact.recorded_us, fact.actor, value, int(fact.late),
    )  # fmt: skip
