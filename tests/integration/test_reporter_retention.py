"""PIPL retention on a simulated clock: with PROPDESK_REPORTER_RETENTION_DAYS set, the
follower's job erases a reporter's record that many days after its case ended, recorded
as ReporterErased with reason retention; open cases, cases ended more recently and
records erased already are left alone; the setting is off by default; on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from api.config.settings import Settings, SettingsError
from api.retention import ReporterRetention, retention_for
from api.wiring import open_follower, open_service
from projections.follower import Follower
from support.driver import new_request
from workflow.personal_data import Reporter
from workflow.service import CaseService

START = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)
DAYS = 30


class SimulatedClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, span: timedelta) -> None:
        self.now += span


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock()


@pytest.fixture
def follower(db: str, clock: SimulatedClock) -> Iterator[Follower]:
    settings = Settings.load({"PROPDESK_REPORTER_RETENTION_DAYS": str(DAYS)}, db=db)
    service = open_service(settings, clock=clock)
    found = open_follower(settings, settings.policy, service)
    yield found
    service.close()


def received(service: CaseService) -> UUID:
    request = new_request("repair", reporter=Reporter("王先生", "13800000000"))
    case_id: UUID = service.receive(request).case.id
    return case_id


def kept(service: CaseService, case_id: UUID) -> bool:
    ref = service.get(case_id).reporter_ref
    assert ref is not None
    return service.reporters.get(ref) is not None


def job(db: str, follower: Follower) -> ReporterRetention:
    settings = Settings.load({"PROPDESK_REPORTER_RETENTION_DAYS": str(DAYS)}, db=db)
    found = retention_for(settings, follower)
    assert found is not None
    return found


def test_a_record_is_erased_the_configured_days_after_its_case_ended_and_no_sooner(
    db: str, follower: Follower, clock: SimulatedClock
) -> None:
    service: CaseService = follower.app  # type: ignore[assignment]
    retention = job(db, follower)
    ended_first = received(service)
    ended_later = received(service)
    still_open = received(service)
    service.cancel(ended_first, actor="desk-1", reason="withdrawn")
    clock.advance(timedelta(days=10))
    service.cancel(ended_later, actor="desk-1", reason="withdrawn")
    follower.catch_up()

    clock.advance(timedelta(days=DAYS - 10) - timedelta(minutes=1))
    assert retention.run_once() == []
    assert kept(service, ended_first)

    clock.advance(timedelta(minutes=1))
    assert retention.run_once() == [ended_first]
    assert not kept(service, ended_first)
    assert kept(service, ended_later)
    assert kept(service, still_open)
    erased = service.history(ended_first)[-1]
    assert (erased.type, erased.actor, erased.data["reason"]) == (
        "ReporterErased",
        "retention",
        "retention",
    )
    assert service.get(ended_first).state == "cancelled"

    follower.catch_up()  # the case index forgets the erased reference
    clock.advance(timedelta(days=365))
    assert retention.run_once() == [ended_later]
    follower.catch_up()
    assert retention.run_once() == []
    assert kept(service, still_open)


def test_a_record_erased_on_request_is_left_alone_even_before_the_index_follows(
    db: str, follower: Follower, clock: SimulatedClock
) -> None:
    service: CaseService = follower.app  # type: ignore[assignment]
    case_id = received(service)
    service.cancel(case_id, actor="desk-1", reason="withdrawn")
    follower.catch_up()
    service.erase_reporter(case_id, actor="admin-wu")  # not followed yet
    clock.advance(timedelta(days=DAYS + 1))
    version = service.get(case_id).version
    assert job(db, follower).run_once() == []
    assert service.get(case_id).version == version


def test_the_follower_runs_the_job_after_its_rounds_at_most_once_an_hour(
    db: str, follower: Follower, clock: SimulatedClock
) -> None:
    service: CaseService = follower.app  # type: ignore[assignment]
    retention = job(db, follower)
    first = received(service)
    service.cancel(first, actor="desk-1", reason="withdrawn")
    clock.advance(timedelta(days=DAYS + 1))
    follower.catch_up()
    retention()  # the first round runs at once
    assert not kept(service, first)
    second = received(service)
    service.cancel(second, actor="desk-1", reason="withdrawn")
    clock.advance(timedelta(days=DAYS + 1))
    follower.catch_up()
    before = service.clock()
    retention._next = before + timedelta(minutes=30)  # as if it ran half an hour ago
    retention()
    assert kept(service, second)
    clock.advance(timedelta(minutes=30))
    retention()
    assert not kept(service, second)


def test_retention_is_off_unless_configured_and_takes_whole_days_from_one() -> None:
    assert Settings.load({}).reporter_retention is None
    assert Settings.load({"PROPDESK_REPORTER_RETENTION_DAYS": ""}).reporter_retention is None
    chosen = Settings.load({"PROPDESK_REPORTER_RETENTION_DAYS": "180"})
    assert chosen.reporter_retention == timedelta(days=180)
    for refused in ("0", "-3", "half a year"):
        with pytest.raises(SettingsError, match="PROPDESK_REPORTER_RETENTION_DAYS"):
            Settings.load({"PROPDESK_REPORTER_RETENTION_DAYS": refused})
