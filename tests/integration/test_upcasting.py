"""Events stored in an older shape load as the current version: the upcasters fill in what
the old versions lacked (`Received`'s `area` and `community`; every case event's
`late_reason`; a case snapshot's `urges` and `community`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from api.config.settings import Settings
from api.wiring import open_service
from support.driver import receive
from workflow.service import CaseService


@pytest.fixture
def stored_app(db: str) -> Iterator[CaseService]:
    """The application on each real backend."""
    app = open_service(Settings.load({}, db=db))
    yield app
    app.close()


def old_shape(stored: StoredEvent, version: int, *missing: str) -> dict[str, Any]:
    """The stored state as `version` of its class wrote it: without `missing`."""
    state: dict[str, Any] = json.loads(stored.state)
    state.pop("class_version")
    if version > 1:
        state["class_version"] = version
    for name in missing:
        del state[name]
    return state


def store_copy(app: CaseService, states: list[tuple[StoredEvent, dict[str, Any]]]) -> UUID:
    """The events, with these states, stored directly in the recorder as a new case."""
    case_id = uuid4()
    app.recorder.insert_events(
        [
            replace(stored, originator_id=case_id, state=json.dumps(state).encode())
            for stored, state in states
        ]
    )
    return case_id


def test_a_version_one_received_event_is_upcast_when_the_case_loads(
    sqlite_app: CaseService,
) -> None:
    written = sqlite_app.get(receive(sqlite_app, "repair", location="7-1-302"))
    stored = sqlite_app.recorder.select_events(written.id)[0]
    assert json.loads(stored.state)["class_version"] == 5
    # What version 1 wrote: no area, no late reason, no community.
    old = old_shape(stored, 1, "area", "late_reason", "community")
    case_id = store_copy(sqlite_app, [(stored, old)])

    loaded = sqlite_app.get(case_id)
    assert loaded.area == "in_home"
    assert loaded.location == "7-1-302"
    assert loaded.community == "default"
    entry = sqlite_app.history(case_id)[0]
    assert entry.data["area"] == "in_home"
    assert (entry.late_reason, entry.late) == (None, False)


def test_events_stored_before_late_reasons_existed_load_as_entered_on_time(
    stored_app: CaseService,
) -> None:
    case_id = receive(stored_app, "repair")
    stored_app.dispatch(case_id, actor="desk-1", assignee="eng-wang")
    received, dispatched = stored_app.recorder.select_events(case_id)
    # Received at version 2 (with area) and Dispatched at version 1: no late_reason.
    old = store_copy(
        stored_app,
        [
            (received, old_shape(received, 2, "late_reason", "community")),
            (dispatched, old_shape(dispatched, 1, "late_reason")),
        ],
    )

    loaded = stored_app.get(old)
    assert (loaded.state, loaded.assignee, loaded.version) == ("dispatched", "eng-wang", 2)
    history = stored_app.history(old)
    assert [(e.type, e.late_reason, e.late) for e in history] == [
        ("Received", None, False),
        ("Dispatched", None, False),
    ]
    # Acting on the old case records the current version.
    stored_app.sign(old, actor="eng-wang")
    signed = stored_app.recorder.select_events(old)[-1]
    assert json.loads(signed.state)["class_version"] == 2


def test_a_case_snapshot_stored_before_urges_were_recorded_loads_with_none(
    stored_app: CaseService,
) -> None:
    written = receive(stored_app, "complaint")
    for n in range(55):
        stored_app.reply(written, actor="cs-1", message=f"update {n}")
    assert stored_app.snapshots is not None
    snapshot = stored_app.snapshots.recorder.select_events(written)[-1]
    state = json.loads(snapshot.state)
    taken = state["state"]  # the case's own fields, as the snapshot took them
    # Version 1 had neither urges, nor a community, nor a claim, nor an erasure.
    assert (taken.pop("class_version"), taken.pop("urges"), taken.pop("community")) == (
        5,
        0,
        "default",
    )
    assert (taken.pop("claimed_by"), taken.pop("claimed_at")) == (None, None)
    assert taken.pop("reporter_erased_at") is None
    events = stored_app.recorder.select_events(written)
    case_id = store_copy(stored_app, [(e, json.loads(e.state)) for e in events])
    stored_app.snapshots.recorder.insert_events(
        [replace(snapshot, originator_id=case_id, state=json.dumps(state).encode())]
    )
    loaded = stored_app.get(case_id)
    assert (loaded.urges, loaded.version, loaded.replies) == (0, 56, 55)
    assert loaded.community == "default"
    assert loaded.reporter_erased_at is None
    stored_app.send("urge", case_id, actor="cs-1", fields={"note": "住户催促"})
    assert stored_app.get(case_id).urges == 1


def test_a_case_received_before_communities_existed_belongs_to_the_default_one(
    stored_app: CaseService,
) -> None:
    received = stored_app.recorder.select_events(receive(stored_app, "complaint"))[0]
    # Version 3 of Received: everything but a community.
    case_id = store_copy(stored_app, [(received, old_shape(received, 3, "community"))])
    assert stored_app.get(case_id).community == "default"
    assert stored_app.history(case_id)[0].data["community"] == "default"


def test_a_version_four_received_event_loads_with_its_receiver_as_the_owner(
    stored_app: CaseService,
) -> None:
    received = stored_app.recorder.select_events(receive(stored_app, "repair"))[0]
    # Version 4 of Received: the same fields, its receiver always named.
    case_id = store_copy(stored_app, [(received, old_shape(received, 4))])
    loaded = stored_app.get(case_id)
    assert (loaded.received_by, loaded.owner, loaded.claimed_by) == ("desk-1", "desk-1", None)
    assert "claim" not in loaded.allowed_commands()
    dispatched = stored_app.dispatch(case_id, actor="desk-2", assignee="eng-wang")
    assert [type(e).__name__ for e in dispatched.events] == ["Dispatched"]
