"""How far back each kind of staff may date an action: the late-entry settings.

Two standings (docs/sla.md): in the field (channels and workers) and at the desk (agents
and supervisors). Each has a tolerance (beyond it an action needs a `late_reason`) and a
limit (beyond it an action is refused). Admins, who may bring history over from another
system, have the desk's tolerance and no limit. Which role has which standing is the
HTTP layer's business (`api/http/auth.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from projections.policy import duration_seconds
from workflow.backdating import Backdating
from workflow.errors import span_text

TOLERANCE_FIELD_ENV = "PROPDESK_LATE_TOLERANCE_FIELD"
LIMIT_FIELD_ENV = "PROPDESK_LATE_LIMIT_FIELD"
TOLERANCE_DESK_ENV = "PROPDESK_LATE_TOLERANCE_DESK"
LIMIT_DESK_ENV = "PROPDESK_LATE_LIMIT_DESK"

FIELD_DEFAULT = Backdating(tolerance=timedelta(minutes=15), limit=timedelta(hours=24))
DESK_DEFAULT = Backdating(tolerance=timedelta(hours=24), limit=timedelta(days=7))


class LateEntrySettingError(ValueError):
    """A late-entry setting cannot be used; the message names the variable."""


@dataclass(frozen=True)
class LateEntries:
    field_staff: Backdating = FIELD_DEFAULT  # channels and workers
    desk_staff: Backdating = DESK_DEFAULT  # agents and supervisors

    @property
    def admins(self) -> Backdating:
        """The desk's tolerance, no limit: also the rule of direct callers of the service."""
        return Backdating(tolerance=self.desk_staff.tolerance, limit=None)

    @classmethod
    def load(cls, environ: Mapping[str, str]) -> LateEntries:
        return cls(
            field_staff=_rule(environ, TOLERANCE_FIELD_ENV, LIMIT_FIELD_ENV, FIELD_DEFAULT),
            desk_staff=_rule(environ, TOLERANCE_DESK_ENV, LIMIT_DESK_ENV, DESK_DEFAULT),
        )


def _rule(
    environ: Mapping[str, str], tolerance_env: str, limit_env: str, default: Backdating
) -> Backdating:
    given_tolerance, given_limit = _duration(environ, tolerance_env), _duration(environ, limit_env)
    tolerance = default.tolerance if given_tolerance is None else given_tolerance
    limit = default.limit if given_limit is None else given_limit
    if limit is not None and tolerance > limit:
        raise LateEntrySettingError(
            f"{tolerance_env} ({span_text(tolerance)}) is longer than {limit_env} "
            f"({span_text(limit)}); an action late enough to need a reason must not "
            "already be refused"
        )
    return Backdating(tolerance=tolerance, limit=limit)


def _duration(environ: Mapping[str, str], name: str) -> timedelta | None:
    """The variable's duration; None when it is unset or empty."""
    value = environ.get(name, "").strip()
    if not value:
        return None
    seconds = duration_seconds(value)
    if seconds is None:
        raise LateEntrySettingError(
            f"{name}={value!r} is not a duration; write minutes, hours or days: 15m, 24h, 7d"
        )
    return timedelta(seconds=seconds)
