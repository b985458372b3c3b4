"""The personal-data access log: who saw what of which case and when, newest first; on
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from api.config.settings import Settings
from api.storage.access_log import Access, AccessLog, open_access_log
from api.storage.tokens import Principal, Role

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
ZHANG = Principal("desk-zhang", Role.AGENT, frozenset({"sunny-garden"}))
LI = Principal("sup-li", Role.SUPERVISOR)
CASE_A, CASE_B = "5b0c0f4e-0000-4000-8000-00000000000a", "5b0c0f4e-0000-4000-8000-00000000000b"


@pytest.fixture
def log(settings: Settings) -> Iterator[AccessLog]:
    store = open_access_log(settings)
    yield store
    store.close()


def test_each_access_is_recorded_with_who_their_role_the_case_and_what_newest_first(
    log: AccessLog,
) -> None:
    log.record(ZHANG, CASE_A, "reporter.phone", T0)
    log.record(LI, CASE_B, "reporter.name", T0 + timedelta(minutes=2))
    log.record(ZHANG, CASE_B, "reporter.phone", T0 + timedelta(minutes=1))
    assert log.entries() == [
        Access(T0 + timedelta(minutes=2), "sup-li", "supervisor", CASE_B, "reporter.name"),
        Access(T0 + timedelta(minutes=1), "desk-zhang", "agent", CASE_B, "reporter.phone"),
        Access(T0, "desk-zhang", "agent", CASE_A, "reporter.phone"),
    ]


def test_entries_of_one_case_of_one_person_or_both(log: AccessLog) -> None:
    log.record(ZHANG, CASE_A, "reporter.phone", T0)
    log.record(LI, CASE_A, "reporter.phone", T0 + timedelta(minutes=1))
    log.record(ZHANG, CASE_B, "reporter.name", T0 + timedelta(minutes=2))
    assert [(e.who, e.case_id) for e in log.entries(case_id=CASE_A)] == [
        ("sup-li", CASE_A),
        ("desk-zhang", CASE_A),
    ]
    assert [(e.case_id, e.what) for e in log.entries(who="desk-zhang")] == [
        (CASE_B, "reporter.name"),
        (CASE_A, "reporter.phone"),
    ]
    assert [e.at for e in log.entries(case_id=CASE_A, who="desk-zhang")] == [T0]
    assert log.entries(who="nobody") == []
    assert log.entries(who="not a name") == []
    assert log.entries(case_id="no such case") == []


def test_the_newest_entries_up_to_the_limit(log: AccessLog) -> None:
    for minutes in range(5):
        log.record(ZHANG, CASE_A, "reporter.phone", T0 + timedelta(minutes=minutes))
    assert [e.at for e in log.entries(limit=2)] == [
        T0 + timedelta(minutes=4),
        T0 + timedelta(minutes=3),
    ]
    with pytest.raises(ValueError, match="at least 1"):
        log.entries(limit=0)


def test_entries_at_the_same_instant_keep_the_order_they_were_recorded_in(log: AccessLog) -> None:
    for what in ("reporter.name", "reporter.phone", "location"):
        log.record(ZHANG, CASE_A, what, T0)
    assert [e.what for e in log.entries()] == ["location", "reporter.phone", "reporter.name"]


def test_times_in_any_offset_are_kept_as_the_same_instant(log: AccessLog) -> None:
    shanghai = T0.astimezone(timezone(timedelta(hours=8)))
    log.record(ZHANG, CASE_A, "reporter.phone", shanghai)
    log.record(ZHANG, CASE_A, "reporter.name", T0 - timedelta(microseconds=1))
    first, second = log.entries()
    assert first.at == T0
    assert first.at.utcoffset() == timedelta(0)
    assert second.what == "reporter.name"
    with pytest.raises(ValueError, match="needs its offset"):
        log.record(ZHANG, CASE_A, "reporter.phone", datetime(2026, 11, 20, 9, 0))


@pytest.mark.parametrize(
    ("case_id", "what"), [("", "reporter.phone"), (CASE_A, ""), (CASE_A, "x" * 201), ("a\nb", "x")]
)
def test_an_entry_without_a_case_or_what_was_shown_is_refused(
    log: AccessLog, case_id: str, what: str
) -> None:
    with pytest.raises(ValueError, match="printable characters"):
        log.record(ZHANG, case_id, what, T0)
    assert log.entries() == []
