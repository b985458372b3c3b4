"""A case's history as supervisors read it: one entry per event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.domain import CanMutateAggregate

from workflow.events import CaseEvent

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


def entry_of(event: CanMutateAggregate[Any]) -> HistoryEntry:
    fields = vars(event)
    if isinstance(event, CaseEvent):
        actor, occurred_at, note = event.actor, event.occurred_at, event.note
    else:  # a snapshot never reaches a history, but stay total
        actor, occurred_at, note = "", event.timestamp, ""
    return HistoryEntry(
        version=event.originator_version,
        type=type(event).__name__,
        topic=getattr(type(event), "TOPIC", type(event).__qualname__),
        actor=actor,
        occurred_at=occurred_at,
        recorded_at=event.timestamp,
        note=note,
        data={k: v for k, v in fields.items() if k not in _NOT_DATA},
    )
