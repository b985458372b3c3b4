"""How far back each kind of staff may date an action: the late-entry settings.

Two standings (docs/sla.md): in the field (channels and workers) and at the desk (agents
and supervisors). Each has a tolerance (beyond it an action needs a `late_reason`) and a
limit (beyond it an action is refused). Admins, who may bring history over from another
system, have the desk's tolerance and no limit. Which role has which standing is the
HTTP layer's business (`api/http/auth.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from api.config.environment import SettingsError
from projections.policy import duration_seconds
from workflow.backdating import Backdating
from workflow.errors import span_text

FIELD_DEFAULT = Backdating(tolerance=timedelta(minutes=15), limit=timedelta(hours=24))
DESK_DEFAULT = Backdating(tolerance=timedelta(hours=24), limit=timedelta(days=7))


@dataclass(frozen=True)
class LateEntries:
    field_staff: Backdating = FIELD_DEFAULT  # channels and workers
    desk_staff: Backdating = DESK_DEFAULT  # agents and supervisors

    @property
    def admins(self) -> Backdating:
        """The desk's tolerance, no limit: also the rule of direct callers of the service."""
        return Backdating(tolerance=self.desk_staff.tolerance, limit=None)


def late_duration(
    value: str | timedelta | None, name: str, default: timedelta | None
) -> timedelta | None:
    """The variable's duration; `default` when it is unset or empty."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return default
    seconds = duration_seconds(text)
    if seconds is None:
        raise SettingsError(
            f"{name}={text!r} is not a duration; write minutes, hours or days: 15m, 24h, 7d"
        )
    return timedelta(seconds=seconds)


def check_rule(
    tolerance: timedelta, limit: timedelta | None, tolerance_name: str, limit_name: str
) -> None:
    if limit is not None and tolerance > limit:
        raise SettingsError(
            f"{tolerance_name} ({span_text(tolerance)}) is longer than {limit_name} "
            f"({span_text(limit)}); an action late enough to need a reason must not "
            "already be refused"
        )
