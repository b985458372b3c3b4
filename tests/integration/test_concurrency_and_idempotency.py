"""Optimistic concurrency and idempotent intake, on a real SQLite file shared by processes."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from uuid import UUID

import pytest

from api.config.settings import Settings
from api.wiring import open_service
from support.driver import new_request, receive
from workflow.errors import ConcurrencyConflict, IdempotencyConflict
from workflow.personal_data import Reporter
from workflow.service import CaseService


def test_a_command_naming_a_stale_version_fails_with_a_conflict(app: CaseService) -> None:
    case_id = receive(app, "repair")
    app.dispatch(case_id, actor="a", assignee="eng-1", expected_version=1)
    with pytest.raises(ConcurrencyConflict, match="expected version 1, the case is at version 2"):
        app.hold(case_id, actor="a", reason="parts", expected_version=1)
    assert app.get(case_id).version == 2


def test_a_racing_writer_that_loaded_first_loses_instead_of_overwriting(tmp_path: Path) -> None:
    db = str(tmp_path / "race.db")
    first, second = (open_service(Settings.load({}, db=db)) for _ in range(2))
    case_id = receive(first, "repair")
    stale = second.get(case_id)  # loaded before the other writer's save
    first.dispatch(case_id, actor="a", assignee="eng-1")
    second.get = lambda _id: stale  # type: ignore[method-assign]
    with pytest.raises(ConcurrencyConflict, match="changed concurrently"):
        second.dispatch(case_id, actor="b", assignee="eng-2")
    fresh = open_service(Settings.load({}, db=db)).get(case_id)
    assert (fresh.version, fresh.assignee) == (2, "eng-1")


def test_a_repeated_intake_returns_the_same_case_and_writes_nothing(app: CaseService) -> None:
    request = new_request(
        "repair", idempotency_key="hotline-4711", reporter=Reporter("王先生", "13800000000")
    )
    first = app.receive(request)
    position = app.recorder.max_notification_id()
    again = app.receive(request)
    assert (first.created, again.created) == (True, False)
    assert again.case.id == first.case.id
    assert app.recorder.max_notification_id() == position


def test_the_same_key_with_a_different_request_is_refused(app: CaseService) -> None:
    app.receive(new_request("repair", idempotency_key="web-1"))
    with pytest.raises(IdempotencyConflict, match="'web-1' on channel 'phone' was already used"):
        app.receive(new_request("repair", idempotency_key="web-1", description="another"))


def test_the_same_key_on_another_channel_is_another_request(app: CaseService) -> None:
    a = app.receive(new_request("repair", idempotency_key="42"))
    b = app.receive(new_request("repair", idempotency_key="42", channel="wechat"))
    assert a.case.id != b.case.id


def test_a_key_in_a_callers_scope_names_one_request_whatever_its_channel(
    app: CaseService,
) -> None:
    first = app.receive(new_request("repair", idempotency_key="7", idempotency_scope="token:a"))
    position = app.recorder.max_notification_id()
    with pytest.raises(IdempotencyConflict, match="'7' on token 'a' was already used"):
        app.receive(
            new_request("repair", idempotency_key="7", idempotency_scope="token:a", channel="web")
        )
    assert app.recorder.max_notification_id() == position
    other = app.receive(new_request("repair", idempotency_key="7", idempotency_scope="token:b"))
    assert other.case.id != first.case.id


def test_concurrent_duplicates_become_exactly_one_case(tmp_path: Path) -> None:
    db = str(tmp_path / "dup.db")
    services = [open_service(Settings.load({}, db=db)) for _ in range(6)]
    request = new_request("complaint", idempotency_key="wechat-9001")
    barrier = threading.Barrier(len(services))
    ids: list[UUID] = []

    def intake(service: CaseService) -> None:
        barrier.wait()
        ids.append(service.receive(request).case.id)

    threads = [threading.Thread(target=intake, args=(s,)) for s in services]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == len(services)
    assert len(set(ids)) == 1
    assert services[0].recorder.max_notification_id() == 1


INTAKE_IN_ANOTHER_PROCESS = """
import sys
from api.config.settings import Settings
from api.wiring import open_service
from support.driver import new_request
app = open_service(Settings.load({}, db=sys.argv[1]))
print(app.receive(new_request("repair", idempotency_key="phone-77")).case.id)
"""


def test_an_intake_retried_by_another_process_after_a_restart_gives_the_same_case(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "restart.db")
    root = Path(__file__).resolve().parents[2]
    env_path = f"{root / 'src'}:{root / 'tests'}"
    outputs = [
        subprocess.run(
            [sys.executable, "-c", INTAKE_IN_ANOTHER_PROCESS, db],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": env_path},
        ).stdout.strip()
        for _ in range(2)
    ]
    assert outputs[0] == outputs[1]
    assert open_service(Settings.load({}, db=db)).recorder.max_notification_id() == 1


def test_personal_data_stays_out_of_the_events_and_can_be_erased(app: CaseService) -> None:
    reporter = Reporter("李女士", "13912345678")
    case = app.receive(new_request("repair", reporter=reporter)).case
    stored = b"".join(e.state for e in app.recorder.select_events(case.id))
    assert "李女士".encode() not in stored
    assert b"13912345678" not in stored
    assert case.reporter_ref is not None
    assert app.reporters.get(case.reporter_ref) == reporter
    assert app.reporters.erase(case.reporter_ref)
    assert app.reporters.get(case.reporter_ref) is None
    assert app.get(case.id).reporter_ref == case.reporter_ref  # history intact
