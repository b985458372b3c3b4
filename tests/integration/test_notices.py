"""Warnings before a breach and notices of what happened, derived from the log by a tracked
follower on a simulated clock: at risk at 80 % of the target, breached at the due instant
(on the working calendar, across nights, weekends, holidays and holds), each exactly once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.config.settings import Settings
from projections.notices.kinds import (
    AT_RISK,
    BREACHED,
    CASE_CANCELLED,
    CASE_COMPLETED,
    CASE_DISPATCHED,
    CASE_RECEIVED,
    CASE_REOPENED,
    MET,
    MILESTONE_CANCELLED,
)
from projections.times import from_micros
from support.driver import receive
from support.notices import Desk, local


@pytest.fixture
def desk(db: str) -> Iterator[Desk]:
    started = Desk(Settings.load({}, db=db), local("2026-12-04 17:20"))  # a Friday
    started.follow()  # the notices start with the log
    yield started
    started.close()


def test_a_dispatch_is_warned_at_risk_then_breached_across_a_weekend(desk: Desk) -> None:
    case = receive(desk.service, "repair")  # normal: dispatch within 30 business minutes
    desk.later(seconds=1)
    assert [n.type for n in desk.follow()] == [CASE_RECEIVED]
    # 10 minutes on Friday, then Monday from 08:30: 80 % (24 minutes) at 08:44, due 08:50.
    desk.at(local("2026-12-07 08:43:59"))
    assert desk.follow()
    assert not desk.of(case, AT_RISK)
    desk.at(local("2026-12-07 08:44:01"))
    desk.follow()
    [risk] = desk.of(case, AT_RISK)
    assert (risk.milestone, risk.run, risk.late) == ("dispatch", 1, False)
    assert risk.at == local("2026-12-07 08:44")
    assert risk.due_at == local("2026-12-07 08:50")
    desk.at(local("2026-12-07 08:50:02"))
    desk.follow()
    [breach] = desk.of(case, BREACHED)
    assert breach.at == breach.due_at == local("2026-12-07 08:50")
    assert not breach.late
    rows = desk.read.store.query(
        "SELECT due_at FROM rm_milestones WHERE case_id = ? AND name = 'dispatch'", [str(case)]
    )
    assert from_micros(rows[0]["due_at"]) == breach.due_at  # the report's due instant


def test_the_warnings_skip_the_national_day_holiday(db: str) -> None:
    desk = Desk(Settings.load({}, db=db), local("2026-09-30 17:25"))
    desk.follow()
    case = receive(desk.service, "repair")
    desk.follow()
    desk.at(local("2026-10-07 23:59"))  # the holiday runs to 7 October
    desk.follow()
    assert not desk.of(case, AT_RISK)
    desk.at(local("2026-10-09 00:00"))
    desk.follow()
    [risk] = desk.of(case, AT_RISK, "dispatch")
    [breach] = desk.of(case, BREACHED, "dispatch")
    # 5 minutes on 30 September, the rest from 08:30 on the first working day after it.
    assert risk.at == local("2026-10-08 08:49")
    assert breach.at == local("2026-10-08 08:55")
    assert risk.late
    assert breach.late
    desk.close()


def test_a_hold_moves_the_due_instant_and_a_resume_re_arms_it(desk: Desk) -> None:
    desk.at(local("2026-12-07 09:00"))  # Monday
    case = receive(desk.service, "repair")  # completion: 9 business hours, paused by holds
    desk.follow()
    [next_due] = desk.notices.store.query("SELECT fire_at FROM nt_schedule")
    assert from_micros(next_due["fire_at"]) == local("2026-12-07 09:24")  # dispatch at 80 %
    desk.later(minutes=10)
    desk.service.dispatch(case, actor="desk-1", assignee="eng-wang")
    desk.at(local("2026-12-07 10:00"))
    desk.service.hold(case, actor="eng-wang", reason="waiting for parts")
    desk.follow()
    held = desk.notices.store.query("SELECT * FROM nt_schedule WHERE case_id = ?", [str(case)])
    assert held == []  # paused: no instant to warn at
    desk.at(local("2026-12-07 14:00"))
    desk.service.resume(case, actor="eng-wang")
    desk.follow()
    desk.at(local("2026-12-08 13:00:01"))
    desk.follow()
    [breach] = desk.of(case, BREACHED, "completion")
    assert breach.due_at == local("2026-12-08 13:00")  # four hours later, as long as the hold
    [risk] = desk.of(case, AT_RISK, "completion")
    # 80 % of 9 hours is 7 h 12 min of work: 1 h before the hold, 3 h 30 min after, then
    # 2 h 42 min on Tuesday.
    assert risk.at == local("2026-12-08 11:12")


def test_each_warning_is_taken_in_once_whoever_finds_it(desk: Desk) -> None:
    case = receive(desk.service, "repair")
    desk.follow()
    other = desk.keeper()  # a second process following the same log
    desk.at(local("2026-12-07 12:00"))
    desk.notices.follow()
    other.follow()
    desk.notices.follow()
    ids = [n.id for n in desk.outbox()]
    assert len(ids) == len(set(ids))
    found = sorted((n.type, n.milestone or "") for n in desk.outbox() if n.case_id == str(case))
    # completion's 80 % (7 h 12 min of business time) comes at 15:32 on Monday
    assert found == sorted([(CASE_RECEIVED, ""), (AT_RISK, "dispatch"), (BREACHED, "dispatch")])


def test_a_follower_that_was_down_sends_what_it_missed_marked_late(desk: Desk) -> None:
    case = receive(desk.service, "repair")
    desk.follow()
    desk.at(local("2026-12-07 08:44:03"))  # within 5 s of the at-risk instant
    desk.follow()
    assert not desk.of(case, AT_RISK, "dispatch")[0].late
    desk.at(local("2026-12-07 09:30"))  # the follower was down at 08:50
    restarted = desk.keeper()
    restarted.follow()
    [breach] = desk.of(case, BREACHED, "dispatch")
    assert breach.late
    assert breach.at == local("2026-12-07 08:50")
    assert breach.emitted_at == local("2026-12-07 09:30")


def test_a_stop_within_the_target_is_met_and_one_after_the_breach_is_not(desk: Desk) -> None:
    on_time = receive(desk.service, "repair")
    late = receive(desk.service, "repair")
    desk.later(minutes=5)
    desk.service.dispatch(on_time, actor="desk-1", assignee="eng-wang")
    desk.follow()
    [met] = desk.of(on_time, MET)
    assert (met.milestone, met.at) == ("dispatch", local("2026-12-04 17:25"))
    assert [n.type for n in desk.of(on_time, CASE_DISPATCHED)] == [CASE_DISPATCHED]
    desk.at(local("2026-12-07 09:00"))
    desk.service.dispatch(late, actor="desk-1", assignee="eng-wang")
    desk.follow()
    assert [n.milestone for n in desk.of(late, BREACHED)] == ["dispatch"]  # due Monday 08:55
    assert not [n for n in desk.of(late, MET) if n.milestone == "dispatch"]


def test_cancelling_a_case_cancels_its_running_milestones_and_their_warnings(desk: Desk) -> None:
    case = receive(desk.service, "repair")
    desk.follow()
    desk.later(minutes=2)
    desk.service.cancel(case, actor="desk-1", reason="reported twice")
    desk.follow()
    assert sorted(n.milestone or "" for n in desk.of(case, MILESTONE_CANCELLED)) == [
        "completion",
        "dispatch",
    ]
    assert len(desk.of(case, CASE_CANCELLED)) == 1
    store = desk.notices.store
    assert store.query("SELECT * FROM nt_schedule WHERE case_id = ?", [str(case)]) == []
    assert store.query("SELECT * FROM nt_cases WHERE case_id = ?", [str(case)]) == []
    desk.at(local("2026-12-09 12:00"))
    desk.follow()
    assert not desk.of(case, BREACHED)


def _work(desk: Desk, case: object, resolution: str) -> None:
    desk.later(minutes=5)
    desk.service.dispatch(case, actor="desk-1", assignee="eng-wang")
    desk.service.sign(case, actor="eng-wang")
    desk.later(minutes=20)
    desk.service.arrive(case, actor="eng-wang")
    desk.later(minutes=40)
    desk.service.complete(case, actor="eng-wang", resolution=resolution)


def test_a_reopen_starts_a_new_run_of_the_callback(desk: Desk) -> None:
    desk.at(local("2026-12-07 09:00"))
    case = receive(desk.service, "repair")
    _work(desk, case, "replaced the valve")
    desk.later(hours=1)
    desk.service.callback(case, actor="desk-1", outcome="unsatisfied")
    desk.follow()
    assert len(desk.of(case, CASE_REOPENED)) == 1
    [first] = [n for n in desk.of(case, MET) if n.milestone == "callback"]
    assert first.run == 1
    desk.later(hours=1)
    _work(desk, case, "replaced it again")
    desk.follow()
    assert len(desk.of(case, CASE_COMPLETED)) == 2
    desk.at(local("2026-12-12 12:00"))  # the second callback's 72 hours ran out
    desk.follow()
    [breach] = desk.of(case, BREACHED)
    assert (breach.milestone, breach.run) == ("callback", 2)
    assert breach.id.endswith("/callback/2/milestone.breached")


def test_a_new_store_starts_where_the_read_models_are_with_the_warnings_to_come(
    db: str,
) -> None:
    desk = Desk(Settings.load({}, db=db), local("2026-12-07 09:00"))
    old = receive(desk.service, "repair")
    desk.read.catch_up()  # the read models follow; the notices are not kept yet
    desk.at(local("2026-12-07 09:40"))  # old's dispatch warnings are past
    desk.notices.follow()
    assert desk.outbox() == []  # nothing from before the notices began
    fresh = receive(desk.service, "repair")
    desk.at(local("2026-12-07 18:00"))
    desk.follow()
    assert [n.type for n in desk.of(fresh, CASE_RECEIVED)] == [CASE_RECEIVED]
    assert not desk.of(old, BREACHED, "dispatch")  # its instant had passed before they began
    desk.at(local("2026-12-08 12:00"))  # old's completion (9 business hours) runs out
    desk.follow()
    assert [n.milestone for n in desk.of(old, BREACHED)] == ["completion"]
    desk.close()


def test_whoever_delivers_is_told_each_time_notices_reach_the_outbox(desk: Desk) -> None:
    told: list[int] = []
    desk.notices.on_notices = lambda: told.append(len(desk.outbox()))
    desk.follow()
    assert told == []  # nothing new: nobody is woken
    case = receive(desk.service, "repair")
    desk.follow()
    assert told == [1]  # case.received, told once it is in the outbox
    desk.at(local("2026-12-07 08:44:01"))  # the dispatch's at-risk instant has passed
    desk.follow()
    assert told == [1, 2]
    assert [n.type for n in desk.of(case, AT_RISK)] == [AT_RISK]
