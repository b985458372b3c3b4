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
from typing import Any

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


def dumps(work: Working) -> str:
    case = work.case
    row = dict(zip(CASE_COLUMNS, case_row(case), strict=True))
    row["description"], row["reporter_ref"] = "", None
    clocks = [
        {
            "name": clock.name,
            "started_at": to_micros(clock.started_at),
            "stopped_at": to_micros(clock.stopped_at),
            "held_seconds": clock.held_seconds,
            "held_since": to_micros(clock.held_since),
            "excluded": int(clock.excluded),
            "due_at": to_micros(clock.due_at),
            "late_stop": int(clock.late_stop),
            "policy_version": case.version_of(clock.name),
        }
        for clock in case.milestones.values()
    ]
    return json.dumps(
        {
            "case": row,
            "clocks": clocks,
            "claimed_by": case.claimed_by,
            "runs": work.runs,
            "fired": sorted(work.fired),
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def loads(text: str) -> Working:
    data: dict[str, Any] = json.loads(text)
    case = case_from_row(data["case"], data["clocks"])
    case.claimed_by = data["claimed_by"]
    return Working(case, dict(data["runs"]), set(data["fired"]))
