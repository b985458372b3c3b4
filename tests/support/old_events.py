"""Cases as they could have been stored before today's input rules: values the rules now
refuse (a name like a formula or like markup, a location holding anything, a time long past
without a late reason) still reach the command line and the reports from events recorded
earlier, so the output tests need them."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from uuid import UUID

from workflow.backdating import Backdating
from workflow.service import CaseService

# Before the rules, an action could be dated at any earlier time without a reason.
ANY_TIME = Backdating(tolerance=timedelta.max)
Changes = Mapping[int, Mapping[str, str]]  # event version -> the stored fields it held


def recorded_before_the_rules(
    app: CaseService, build: Callable[[CaseService], UUID], changes: Changes
) -> UUID:
    """Build a case with valid values in a scratch application on the same clock, then store
    its events in `app` holding the values of `changes` instead (stored events are never
    validated again when they load)."""
    scratch = CaseService(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=app.clock, backdating=ANY_TIME
    )
    case_id = build(scratch)
    events = scratch.recorder.select_events(case_id)
    app.recorder.insert_events(
        [
            replace(
                stored,
                state=json.dumps(
                    {**json.loads(stored.state), **changes.get(stored.originator_version, {})}
                ).encode(),
            )
            for stored in events
        ]
    )
    return case_id
