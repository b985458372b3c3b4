"""A command's guard: a caller's condition checked on the very version the command saves."""

from __future__ import annotations

from uuid import UUID

import pytest

from support.driver import receive
from workflow.case import Case
from workflow.commands import Guard
from workflow.errors import CaseNotFound, ConcurrencyConflict
from workflow.service import CaseService


def assigned_to(worker: str) -> Guard:
    def guard(case: Case) -> None:
        if case.assignee != worker:
            raise CaseNotFound(case.id)

    return guard


def dispatched(app: CaseService, worker: str) -> UUID:
    case_id = receive(app, "repair")
    app.dispatch(case_id, actor="desk", assignee=worker)
    return case_id


def test_a_command_its_guard_refuses_raises_the_guards_error_and_writes_nothing(
    app: CaseService,
) -> None:
    case_id = dispatched(app, "eng-1")
    position = app.recorder.max_notification_id()
    with pytest.raises(CaseNotFound):
        app.sign(case_id, actor="eng-2", guard=assigned_to("eng-2"))
    assert app.recorder.max_notification_id() == position
    assert app.get(case_id).version == 2


def test_a_command_its_guard_allows_is_saved(app: CaseService) -> None:
    case_id = dispatched(app, "eng-1")
    recorded = app.sign(case_id, actor="eng-1", guard=assigned_to("eng-1"), expected_version=2)
    assert (recorded.case.version, recorded.case.state) == (3, "signed")


def test_a_guard_passed_on_a_version_another_command_replaced_fails_the_save(
    app: CaseService,
) -> None:
    case_id = dispatched(app, "eng-1")

    def reassigned_meanwhile(case: Case) -> None:
        assigned_to("eng-1")(case)
        app.dispatch(case_id, actor="desk", assignee="eng-2")  # lands before our save

    with pytest.raises(ConcurrencyConflict):
        app.sign(case_id, actor="eng-1", guard=reassigned_meanwhile)
    case = app.get(case_id)
    assert (case.version, case.state, case.assignee) == (3, "dispatched", "eng-2")


def test_a_guard_refuses_before_a_stale_expected_version_is_reported(app: CaseService) -> None:
    case_id = dispatched(app, "eng-1")
    with pytest.raises(CaseNotFound):
        app.sign(case_id, actor="eng-2", guard=assigned_to("eng-2"), expected_version=1)
