"""A case's history as supervisors read it: one entry per event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.domain import CanMutateAggregate

from workflow.events import CASE_EVENTS, CaseEvent

# Library bookkeeping and the stamp, shown as their own columns rather than as data.
_NOT_DATA = frozenset(
    {
        "originator_id",
        "originator_version",
        "timestamp",
        "originator_topic",
        "actor",
        "occurred_at",
        "note",
        "late_reason",
    }
)


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    type: str
    topic: str
    actor: str
    occurred_at: datetime
    recorded_at: datetime
    note: str
    data: dict[str, Any]
    late_reason: str | None = None  # why it was entered late; None when on time

    @property
    def late(self) -> bool:
        return self.late_reason is not None


# Each event's name in a history (`HistoryEntry.type`), by its stable topic.
TYPE_OF_TOPIC = {event.TOPIC: event.__name__ for event in CASE_EVENTS}


def entry_of(event: CanMutateAggregate[Any]) -> HistoryEntry:
    fields = vars(event)
    if isinstance(event, CaseEvent):
        actor, occurred_at, note = event.actor, event.occurred_at, event.note
        late_reason = event.late_reason
    else:  # a snapshot never reaches a history, but stay total
        actor, occurred_at, note, late_reason = "", event.timestamp, "", None
    return HistoryEntry(
        version=event.originator_version,
        type=type(event).__name__,
        topic=getattr(type(event), "TOPIC", type(event).__qualname__),
        actor=actor,
        occurred_at=occurred_at,
        recorded_at=event.timestamp,
        note=note,
        data={k: v for k, v in fields.items() if k not in _NOT_DATA},
        late_reason=late_reason,
    )
