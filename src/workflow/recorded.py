"""What a write answers: the case after it, where its events landed, and the events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast
from uuid import UUID

from eventsourcing.persistence import Recording

from workflow.case import Case
from workflow.events import CaseEvent


@dataclass(frozen=True)
class Recorded:
    """A command's result: the case after it, and the log position of its last event."""

    case: Case
    position: int | None
    created: bool = True
    # The events this call recorded: for a new case, its whole history so far.
    events: tuple[CaseEvent, ...] = ()


def recorded(case: Case, recordings: list[Recording[UUID]]) -> Recorded:
    events = tuple(cast(CaseEvent, r.domain_event) for r in recordings)
    return Recorded(case, recordings[-1].notification.id, events=events)
