"""Which late-entry rule each role's actions are dated under (docs/sla.md)."""

from __future__ import annotations

from api.config.late_entries import LateEntries
from api.storage.tokens import Role
from workflow.backdating import Backdating

BEYOND_LIMIT = "only an admin token may record an earlier time"


def rules_by_role(late: LateEntries) -> dict[Role, Backdating]:
    """Channels and workers are in the field, agents and supervisors at the desk; admins,
    who may bring history over from another system, have no limit. Analysts write
    nothing."""
    return {
        Role.CHANNEL: late.field_staff,
        Role.WORKER: late.field_staff,
        Role.AGENT: late.desk_staff,
        Role.SUPERVISOR: late.desk_staff,
        Role.ADMIN: late.admins,
    }
