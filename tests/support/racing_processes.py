"""Racing processes: two OS processes that each wait at a barrier and then send their
command on the version both saw, through the application service or over HTTP, and the
versions the recorder stores afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx

from api.config.settings import Settings
from api.wiring import open_service
from workflow.errors import ConcurrencyConflict
from workflow.service import CaseService


@dataclass(frozen=True)
class Race:
    case_id: str
    version: int  # what both sides name as expected (If-Match)
    commands: tuple[tuple[str, dict[str, Any]], tuple[str, dict[str, Any]]]  # per side


@dataclass(frozen=True)
class RaceSide:
    side: int
    mode: str  # service | http
    db: str
    races: tuple[Race, ...]
    base: str = ""
    token: str = ""


def note_of(race: Race, side: int) -> str:
    return f"race {race.case_id} side {side}"


def race_side(spec: RaceSide, barrier: Any, results: Any) -> None:
    """One racing process: for each case, wait for the other side, then send its command
    on the version both saw. Puts (case id, outcome) pairs on `results`."""
    outcomes: list[tuple[str, str]] = []
    try:
        if spec.mode == "service":
            outcomes = _race_service(spec, barrier)
        else:
            outcomes = _race_http(spec, barrier)
    finally:
        results.put((spec.side, outcomes))


def _race_service(spec: RaceSide, barrier: Any) -> list[tuple[str, str]]:
    # One side opens the application after the other: two processes opening it at the same
    # moment on PostgreSQL can fail ("tuple concurrently updated" from eventsourcing's
    # CREATE OR REPLACE FUNCTION), which is not the race under test.
    if spec.side == 1:
        barrier.wait(timeout=60)
    app = open_service(Settings.load({}, db=spec.db))
    if spec.side == 0:
        barrier.wait(timeout=60)
    outcomes: list[tuple[str, str]] = []
    try:
        app.get(spec.races[0].case_id)  # connections open before the first race
        for race in spec.races:
            command, arguments = race.commands[spec.side]
            barrier.wait(timeout=60)
            try:
                getattr(app, command)(
                    race.case_id,
                    actor=f"racer-{spec.side}",
                    note=note_of(race, spec.side),
                    expected_version=race.version,
                    **arguments,
                )
            except ConcurrencyConflict as conflict:
                outcome = "conflict-at-save" if conflict.actual is None else "conflict-at-load"
            except Exception as error:
                outcome = f"error {type(error).__name__}: {error}"
            else:
                outcome = "won"
            outcomes.append((race.case_id, outcome))
    finally:
        app.close()
    return outcomes


def _race_http(spec: RaceSide, barrier: Any) -> list[tuple[str, str]]:
    outcomes: list[tuple[str, str]] = []
    headers = {"Authorization": f"Bearer {spec.token}"}
    with httpx.Client(base_url=spec.base, timeout=30.0, headers=headers) as client:
        client.get("/health")  # a connection open before the first race
        for race in spec.races:
            command, arguments = race.commands[spec.side]
            body = {**arguments, "note": note_of(race, spec.side)}
            path = f"/requests/{race.case_id}/{command.replace('_', '-')}"
            barrier.wait(timeout=60)
            try:
                response = client.post(path, json=body, headers={"If-Match": f'"{race.version}"'})
                outcome = "won" if response.status_code == 200 else str(response.status_code)
                if response.status_code not in (200, 409, 412):
                    outcome += f" {response.text[:200]}"
            except httpx.TransportError as error:
                outcome = f"error {type(error).__name__}: {error}"
            outcomes.append((race.case_id, outcome))
    return outcomes


def stored_versions(app: CaseService, case_id: str) -> list[int]:
    """The versions of the case's events as the recorder stores them."""
    return [e.originator_version for e in app.recorder.select_events(UUID(case_id))]
