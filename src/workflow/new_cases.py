"""Where intake saves new cases: an interface the domain declares and the storage fills.

Intake decides which new cases are saved together and which must go alone; how their
events and their reporters' records reach the storage, and in how many transactions,
is the storage's business (the application's wiring chooses an adapter).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import CanMutateAggregate
from eventsourcing.persistence import Recording

from workflow.personal_data import Reporter, ReporterRegistry

ReporterRecord = tuple[str, Reporter]  # (reporter ref, the record behind it)
NewCaseEvent = CanMutateAggregate[UUID]


class NewCases(Protocol):
    def save(
        self, events: Sequence[NewCaseEvent], records: Sequence[ReporterRecord]
    ) -> list[Recording[UUID]]:
        """Saves the events of new cases, all or none, and the reporters' records of those
        cases: in the same transaction where the storage can, otherwise after the events.
        Raises eventsourcing's IntegrityError, having saved nothing, when one of the cases
        is stored already."""

    def saved_lately(self, case_id: UUID) -> bool:
        """Whether this process saved the case lately: a retry of it would make a group
        commit's save fail, so intake answers it alone."""


class RecentIds(OrderedDict[UUID, None]):
    """The ids of the last `size` cases saved, oldest forgotten first; `in` asks."""

    def __init__(self, size: int = 4096) -> None:
        super().__init__()
        self._size = size

    def remember(self, case_id: UUID) -> None:
        self[case_id] = None
        if len(self) > self._size:
            self.popitem(last=False)


class SavedByTheApplication:
    """New cases saved as any other change is, through `Application.save`, their reporters'
    records after them: for an application built without storage adapters (in memory)."""

    def __init__(self, app: Application[UUID], reporters: ReporterRegistry) -> None:
        self._app = app
        self._reporters = reporters
        self._recent = RecentIds()

    def save(
        self, events: Sequence[NewCaseEvent], records: Sequence[ReporterRecord]
    ) -> list[Recording[UUID]]:
        recordings = self._app.save(*events)
        self._reporters.add_all(records)
        for event in events:
            self._recent.remember(event.originator_id)
        return recordings

    def saved_lately(self, case_id: UUID) -> bool:
        return case_id in self._recent
