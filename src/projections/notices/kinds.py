"""The notices propdesk sends: what each type means and how a notice is named.

A notice's id is made from what it is about, never from when or by whom it was found, so
every process that derives it names it alike and the outbox keeps it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

AT_RISK = "milestone.at_risk"  # a share of the target has elapsed (default 80 %)
BREACHED = "milestone.breached"  # the due instant passed with the milestone running
MET = "milestone.met"  # the milestone stopped within its target
MILESTONE_CANCELLED = "milestone.cancelled"  # the case ended with the milestone running

CASE_RECEIVED = "case.received"
CASE_DISPATCHED = "case.dispatched"
CASE_COMPLETED = "case.completed"
CASE_CLOSED = "case.closed"
CASE_REOPENED = "case.reopened"
CASE_CANCELLED = "case.cancelled"

MILESTONE_TYPES = (AT_RISK, BREACHED, MET, MILESTONE_CANCELLED)
CASE_TYPES = (
    CASE_RECEIVED,
    CASE_DISPATCHED,
    CASE_COMPLETED,
    CASE_CLOSED,
    CASE_REOPENED,
    CASE_CANCELLED,
)
NOTICE_TYPES = MILESTONE_TYPES + CASE_TYPES
TIMED = (AT_RISK, BREACHED)  # fired by the clock, not by an event

# A timed notice taken into the outbox later than this after its instant is marked late:
# its scheduler was down or behind.
ON_TIME_SECONDS = 5.0


@dataclass(frozen=True)
class Notice:
    """One notice as the outbox holds it. No personal data: the case is named by its id."""

    sequence: int  # its place in the outbox, in the order taken in
    id: str
    type: str
    case_id: str
    community: str
    kind: str
    milestone: str | None
    run: int  # which run of the milestone: 1, then one more after each reopen
    due_at: datetime | None  # the milestone's due instant, when it has one
    at: datetime  # the instant it is about: the event's, or the warning's
    emitted_at: datetime  # when the outbox took it
    late: bool  # a timed notice taken in later than ON_TIME_SECONDS after `at`


def milestone_notice_id(case_id: str, milestone: str, run: int, type_: str) -> str:
    return f"{case_id}/{milestone}/{run}/{type_}"


def case_notice_id(case_id: str, version: int, type_: str) -> str:
    return f"{case_id}/v{version}/{type_}"
