"""The notice follower's working copy of one open case: its case file (as the read models
evolve it), which run of each milestone is on, and which timed warnings have fired.

Kept as JSON in the notice store between pages, in the read models' row form. The
description and the reporter's reference are left out: notices never need them, and the
notice store should hold nothing personal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from projections.casefile import CaseFile
from projections.rows import CASE_COLUMNS, case_from_row, case_row
from projections.times import to_micros


@dataclass(slots=True)
class Working:
    case: CaseFile
    runs: dict[str, int] = field(default_factory=dict)  # absent: run 1
    fired: set[str] = field(default_factory=set)  # ids of timed notices sent
    # Each running milestone's at-risk instant, with the start and time held it was found
    # from: looked at with every event of the case. Not stored.
    risk: dict[str, tuple[tuple[datetime, float], datetime | None]] = field(default_factory=dict)

    def run(self, milestone: str) -> int:
        return self.runs.get(milestone, 1)


_CLOCK = (
    "name", "started_at", "stopped_at", "held_seconds", "held_since", "excluded", "due_at",
    "late_stop", "policy_version",
)  # fmt: skip
_DESCRIPTION, _REPORTER = CASE_COLUMNS.index("description"), CASE_COLUMNS.index("reporter_ref")


def dumps(work: Working) -> str:
    """A JSON list (lists, not objects: it is written for every case a page touches)."""
    case = work.case
    row = list(case_row(case))
    row[_DESCRIPTION], row[_REPORTER] = "", None
    clocks = [
        [
            clock.name,
            to_micros(clock.started_at),
            to_micros(clock.stopped_at),
            clock.held_seconds,
            to_micros(clock.held_since),
            int(clock.excluded),
            to_micros(clock.due_at),
            int(clock.late_stop),
            case.version_of(clock.name),
        ]
        for clock in case.milestones.values()
    ]
    data = [row, clocks, case.claimed_by, work.runs, sorted(work.fired)]
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def loads(text: str) -> Working:
    row, clocks, claimed_by, runs, fired = json.loads(text)
    case = case_from_row(
        dict(zip(CASE_COLUMNS, row, strict=True)),
        [dict(zip(_CLOCK, clock, strict=True)) for clock in clocks],
    )
    case.claimed_by = claimed_by
    return Working(case, dict(runs), set(fired))
