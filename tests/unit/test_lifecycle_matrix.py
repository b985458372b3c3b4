"""Every state x command pair of every kind: allowed, or rejected with nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from support.command_examples import refused_arguments
from support.domain_matrix import EXPECTED
from support.driver import ALL_COMMANDS, paths_to_states, replay, request_for, run, variants
from workflow.errors import AlreadyOwned, InvalidTransition
from workflow.lifecycles import LIFECYCLES, lifecycle
from workflow.service import CaseService

PAIRS = [
    (kind.value, state, command)
    for kind, lc in LIFECYCLES.items()
    for state in lc.states
    for command in ALL_COMMANDS
]

_paths: dict[str, Any] = {}


@pytest.fixture(scope="module")
def shared_app() -> CaseService:
    return CaseService({"PERSISTENCE_MODULE": "eventsourcing.popo"})


def path_to(app: CaseService, kind: str, state: str) -> list[tuple[str, dict[str, Any]]]:
    if kind not in _paths:
        _paths[kind] = paths_to_states(app, kind)
    path: list[tuple[str, dict[str, Any]]] = _paths[kind][state]
    return path


def test_every_state_of_every_kind_is_reachable_from_intake(shared_app: CaseService) -> None:
    for kind, lc in LIFECYCLES.items():
        assert set(paths_to_states(shared_app, kind.value)) == set(lc.states)


@pytest.mark.parametrize(("kind", "state", "command"), PAIRS)
def test_a_command_is_applied_or_rejected_as_the_lifecycle_table_says(
    shared_app: CaseService, kind: str, state: str, command: str
) -> None:
    app = shared_app
    lc = lifecycle(kind)
    path = path_to(app, kind, state)
    case_id = replay(app, kind, path)
    before = app.get(case_id)
    assert before.state == state
    position = app.recorder.max_notification_id()

    if command in lc.allowed(state):
        for args in variants(app, case_id, command):
            probe = replay(app, kind, path, **request_for(command))
            after = run(app, probe, command, args).case
            assert after.state in EXPECTED[kind][state][command]
            assert after.version == before.version + 1
    elif command == "claim":  # a case past intake has its first-contact owner
        with pytest.raises(AlreadyOwned, match="'desk-1' owns it already"):
            run(app, case_id, command, {})
        assert app.get(case_id).version == before.version
        assert app.recorder.max_notification_id() == position
    else:
        with pytest.raises(InvalidTransition) as rejected:
            run(app, case_id, command, variants(app, case_id, command)[0])
        # An owned case is offered no `claim`.
        allowed = ", ".join(before.allowed_commands()) or "none (the case has ended)"
        assert str(rejected.value) == (
            f"cannot {command} {kind} in state '{state}'; allowed: {allowed}"
        )
        assert app.get(case_id).version == before.version
        assert app.recorder.max_notification_id() == position


def test_the_error_message_names_kind_state_and_allowed_commands(
    shared_app: CaseService,
) -> None:
    case_id = replay(shared_app, "repair", [])
    with pytest.raises(
        InvalidTransition,
        match=r"^cannot complete repair in state 'received'; "
        r"allowed: dispatch, hold, resolve, handover, amend, cancel, urge$",
    ):
        shared_app.complete(case_id, actor="agent-1", resolution="fixed")


# Every command but the erasure of the reporter's record, which an ended case allows too.
@pytest.mark.parametrize("command", [c for c in ALL_COMMANDS if c != "erase_reporter"])
def test_a_forbidden_command_is_refused_for_the_state_before_its_fields_are_read(
    shared_app: CaseService, command: str
) -> None:
    case_id = replay(shared_app, "repair", [("cancel", {"reason": "withdrawn"})])
    with pytest.raises(InvalidTransition, match=f"cannot {command} repair in state 'cancelled'"):
        run(shared_app, case_id, command, refused_arguments(command))
