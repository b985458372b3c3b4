"""Cases as they could have been stored before today's input rules: values the rules now
refuse (a name like a formula or like markup, a location holding anything) still reach the
command line and the reports from events recorded earlier, so the output tests need them."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from uuid import UUID

from workflow.service import CaseService

Changes = Mapping[int, Mapping[str, str]]  # event version -> the stored fields it held


def recorded_before_the_rules(
    app: CaseService, build: Callable[[CaseService], UUID], changes: Changes
) -> UUID:
    """Build a case with valid values in a scratch application on the same clock, then store
    its events in `app` holding the values of `changes` instead (stored events are never
    validated again when they load)."""
    scratch = CaseService({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=app.clock)
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
