"""Late entries: how far before it is recorded an action may be dated.

Occurrence time is a feature (a worker records the visit after the job), but dating an
action far back could buy an SLA result: a stop dated before its target ran out. So an
action dated more than `tolerance` before it is recorded is a late entry and must say
why (`late_reason`), and one dated more than `limit` before is refused, whatever the
reason. The domain knows nothing of roles: whoever calls chooses the rule that applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from workflow import inputs
from workflow.errors import InvalidInput, LateEntryRefused, span_text


@dataclass(frozen=True, slots=True)
class Backdating:
    """The rule one caller's actions are dated under; `limit` None means no limit."""

    tolerance: timedelta
    limit: timedelta | None = None

    def __post_init__(self) -> None:
        if self.tolerance < timedelta(0):
            raise ValueError(f"the tolerance {span_text(self.tolerance)} is negative")
        if self.limit is not None and self.limit < self.tolerance:
            raise ValueError(
                f"the limit {span_text(self.limit)} is shorter than the tolerance "
                f"{span_text(self.tolerance)}"
            )

    def late_reason(self, at: datetime, now: datetime, reason: str | None) -> str | None:
        """The late reason to record with an action dated `at` and recorded `now`: None for
        an action on time without one. A reason given within the tolerance is kept, and
        the action counts as a late entry: whoever entered it said it was late."""
        late_by = now - at
        if reason is None and late_by <= self.tolerance:
            return None  # the usual case, and intake's: nothing else to look at
        given = inputs.free_text("late_reason", reason, required=False) or None
        if late_by <= self.tolerance:
            return given
        if self.limit is not None and late_by > self.limit:
            raise LateEntryRefused(at, late_by, self.limit)
        if given is None:
            raise InvalidInput(
                "late_reason",
                f"required: the action is dated {span_text(late_by)} before it is recorded, "
                f"more than the {span_text(self.tolerance)} allowed without one; "
                "say why it is entered late",
            )
        return given


# The rule for direct callers of the application service that name none (embedding code,
# the demo's simulator): trusted code, perhaps bringing history over from another system.
# It asks a reason for anything dated more than a day back and sets no limit.
TRUSTED = Backdating(tolerance=timedelta(hours=24), limit=None)
