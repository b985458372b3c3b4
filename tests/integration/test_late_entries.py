"""Late entries through the application service, on every store: what is recorded, what is
refused (and then nothing is written), and how intake's retries treat a late reason."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from api.config.settings import Settings
from api.wiring import open_service
from support.driver import new_request, receive
from workflow.backdating import Backdating
from workflow.errors import IdempotencyConflict, InvalidInput, LateEntryRefused
from workflow.service import CaseService

FIELD = Backdating(tolerance=timedelta(minutes=15), limit=timedelta(hours=24))
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timed_app(db: str, clock: Clock) -> Iterator[CaseService]:
    """The application on each real backend, on a clock the test moves."""
    app = open_service(Settings.load({}, db=db), clock=clock)
    yield app
    app.close()


def test_a_late_command_is_recorded_with_its_reason_and_a_refused_one_writes_nothing(
    app: CaseService,
) -> None:
    now, old = datetime.now(UTC), "copied from the paper log"
    case_id = receive(app, "repair", received_at=now - timedelta(hours=30), late_reason=old)
    app.dispatch(
        case_id, actor="desk-1", assignee="eng-wang", at=now - timedelta(hours=29), late_reason=old
    )
    head = app.recorder.max_notification_id()
    six_hours_ago = now - timedelta(hours=6)
    with pytest.raises(InvalidInput) as missing:
        app.sign(case_id, actor="eng-wang", at=six_hours_ago, backdating=FIELD)
    assert missing.value.field == "late_reason"
    with pytest.raises(LateEntryRefused):
        app.sign(case_id, actor="eng-wang", at=now - timedelta(hours=25), backdating=FIELD)
    assert app.recorder.max_notification_id() == head
    assert app.get(case_id).version == 2

    why = "signed on paper in the plant room"
    signed = app.sign(
        case_id, actor="eng-wang", at=six_hours_ago, late_reason=why, backdating=FIELD
    )
    assert signed.events[0].late_reason == why
    history = app.history(case_id)
    assert [(e.type, e.late, e.late_reason) for e in history] == [
        ("Received", True, old),
        ("Dispatched", True, old),
        ("Signed", True, why),
    ]
    assert history[-1].occurred_at == six_hours_ago
    assert "late_reason" not in history[-1].data


def test_direct_callers_of_the_service_need_a_reason_beyond_a_day_and_have_no_limit(
    app: CaseService,
) -> None:
    long_ago = datetime(2019, 3, 1, 9, 0, tzinfo=UTC)
    with pytest.raises(InvalidInput, match=r"late_reason: required"):
        app.receive(new_request("repair", received_at=long_ago))
    case_id = app.receive(
        new_request("repair", received_at=long_ago, late_reason="from the old system")
    ).case.id
    assert app.history(case_id)[0].late_reason == "from the old system"


def test_a_retry_of_a_late_intake_must_repeat_its_late_reason(
    timed_app: CaseService, clock: Clock
) -> None:
    request = new_request(
        "repair",
        channel="wechat",
        idempotency_key="wx-1",
        received_at=NOW - timedelta(hours=2),
        late_reason="the integration was down overnight",
    )
    without = replace(request, late_reason=None)
    with pytest.raises(InvalidInput, match=r"late_reason"):
        timed_app.receive(without, backdating=FIELD)
    assert timed_app.recorder.max_notification_id() is None
    first = timed_app.receive(request, backdating=FIELD)
    assert first.created
    # Retried a day later, beyond the channel's limit: answered with the case it made.
    clock.now += timedelta(days=1)
    again = timed_app.receive(request, backdating=FIELD)
    assert (again.created, again.case.id) == (False, first.case.id)
    for other in (without, replace(request, late_reason="another reason")):
        with pytest.raises(IdempotencyConflict):
            timed_app.receive(other, backdating=FIELD)


def test_a_group_commit_applies_each_callers_own_rule(timed_app: CaseService) -> None:
    late = new_request("complaint", received_at=NOW - timedelta(hours=2))
    desk = Backdating(tolerance=timedelta(hours=24), limit=timedelta(days=7))
    field_request = timed_app.prepare(replace(late, idempotency_key="field-1"), None, FIELD)
    desk_request = timed_app.prepare(replace(late, idempotency_key="desk-1"), None, desk)
    # A keyed request that fails goes through `receive`, in case it is a retry: there too
    # its caller's rule applies.
    assert field_request.new is None
    answers = timed_app.receive_prepared([field_request, desk_request])
    assert isinstance(answers[0], InvalidInput)
    assert answers[0].field == "late_reason"
    assert not isinstance(answers[1], Exception)
    assert answers[1].case.received_at == NOW - timedelta(hours=2)
