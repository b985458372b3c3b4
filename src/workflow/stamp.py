"""What every command carries besides its own fields: who, when, and how late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workflow import inputs
from workflow.backdating import TRUSTED, Backdating


@dataclass(frozen=True)
class Stamp:
    """Who acts, when it happened (`at`, default now), the recording clock, a note; why it
    is entered late, and the rule on how late the actor may enter it."""

    actor: str
    now: datetime
    at: datetime | str | None = None
    note: str | None = None
    late_reason: str | None = None
    backdating: Backdating = TRUSTED

    def occurrence(self, not_before: datetime | None) -> tuple[datetime, str | None]:
        """When it happened, and the late reason to record with it."""
        at = inputs.occurrence(self.at, now=self.now, not_before=not_before)
        return at, self.backdating.late_reason(at, self.now, self.late_reason)
