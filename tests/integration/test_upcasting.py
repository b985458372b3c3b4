"""A version-1 Received event, stored without `area`, loads as version 2."""

from __future__ import annotations

import json
from dataclasses import replace
from uuid import uuid4

from support.driver import receive
from workflow.service import CaseService


def test_a_version_one_received_event_is_upcast_when_the_case_loads(
    sqlite_app: CaseService,
) -> None:
    written = sqlite_app.get(receive(sqlite_app, "repair", location="7-1-302"))
    stored = sqlite_app.recorder.select_events(written.id)[0]
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2
    del state["area"]  # what version 1 wrote

    old = replace(stored, originator_id=uuid4(), state=json.dumps(state).encode())
    sqlite_app.recorder.insert_events([old])

    loaded = sqlite_app.get(old.originator_id)
    assert loaded.area == "in_home"
    assert loaded.location == "7-1-302"
    assert sqlite_app.history(old.originator_id)[0].data["area"] == "in_home"
