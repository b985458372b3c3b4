"""Who may act: the roles a command's declaration names (the HTTP API's tokens carry one)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CHANNEL = "channel"  # an intake integration: creates requests, reads its own
    AGENT = "agent"  # customer service
    WORKER = "worker"  # acts on the cases assigned to it
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"  # reports and the event feed; no personal data, no writes
    ADMIN = "admin"  # tokens; may also write, to bring history over from another system


# Customer service at the desk, their supervisors, and admins bringing history over.
DESK = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
# The desk, and the worker a case is assigned to.
DESK_AND_WORKER = (*DESK, Role.WORKER)
