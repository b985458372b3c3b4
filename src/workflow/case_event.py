"""What every fact of a case carries, and how a fact is applied to the case."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate

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
