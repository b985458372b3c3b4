"""The step table (工单流转): the case's life cut into periods in one state with one
handler, each with its start, end and duration on the wall clock and the business clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from api.console.case_page.replay import Snapshot, Version
from projections.calendar import BusinessCalendar
from workflow.lifecycles import TERMINAL

# States in which the case is customer service's, not a worker's: before anyone is sent,
# awaiting the callback (回访), back after an unsatisfied one. Its handler is the owner.
OWNERS_STATES = frozenset({"received", "completed", "reopened"})


@dataclass(frozen=True)
class Step:
    state: str
    handler: str  # empty once the case has ended
    start: datetime
    end: datetime | None  # None: the step goes on (or the case ended with it)
    wall_seconds: float | None  # None for the end state: nothing is measured after it
    business_seconds: float | None
    ongoing: bool  # measured up to the moment shown, not to an end


def handler_of(fields: Snapshot) -> str:
    state = fields["state"]
    if state in TERMINAL:
        return ""
    assignee: str | None = fields["assignee"]
    owner: str = fields["owner"]
    return owner if state in OWNERS_STATES or not assignee else assignee


def _periods(versions: list[Version]) -> list[tuple[str, str, datetime]]:
    """(state, handler, start) each time either changes."""
    found: list[tuple[str, str, datetime]] = []
    for version in versions:
        state, handler = version.after["state"], handler_of(version.after)
        if found and found[-1][:2] == (state, handler):
            continue
        found.append((state, handler, version.entry.occurred_at))
    return found


def steps(versions: list[Version], calendar: BusinessCalendar, moment: datetime) -> list[Step]:
    """`moment`: the instant shown (now, or the as-of instant) that an ongoing step is
    measured up to."""
    periods = _periods(versions)
    found = []
    for index, (state, handler, start) in enumerate(periods):
        end = periods[index + 1][2] if index + 1 < len(periods) else None
        if end is None and state in TERMINAL:
            found.append(Step(state, handler, start, None, None, None, False))
            continue
        until = end or max(moment, start)
        found.append(
            Step(
                state,
                handler,
                start,
                end,
                (until - start).total_seconds(),
                calendar.business_seconds(start, until),
                end is None,
            )
        )
    return found
