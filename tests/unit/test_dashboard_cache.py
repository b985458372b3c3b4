"""The dashboards' cache of counted reports: a count for now is reused while fresh and
recounted in the background before it goes stale; one count at a time per report; counts
at a named instant are found by it; the oldest unused go first."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from api.console.dashboards.cache import Count, ReportCache
from api.console.dashboards.counted import Counted
from projections.asof import Period
from projections.report_document import Report

START = datetime(2026, 12, 1, 9, 0, 0, 500_000, tzinfo=UTC)
PERIOD = Period(date(2026, 11, 1), date(2026, 12, 1))


class Clock:
    def __init__(self) -> None:
        self.now = START

    def wall(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return (self.now - START).total_seconds()


def counter(cases: int = 10) -> tuple[list[datetime], Count]:
    made: list[datetime] = []

    def count(instant: datetime) -> Counted:
        made.append(instant)
        report = Report("sla", "default", "2026-01-01", PERIOD, instant, False, (), [])
        return Counted(report, instant, {}, (), cases)

    return made, count


def cache(
    clock: Clock, fresh: float = 60, refresh: float = 30, max_cases: int = 1000
) -> ReportCache:
    return ReportCache(
        fresh=fresh, refresh=refresh, max_cases=max_cases, clock=clock.monotonic, now=clock.wall
    )


def test_a_count_for_now_is_made_at_a_whole_second_and_reused_while_fresh() -> None:
    clock = Clock()
    reports = cache(clock, fresh=60, refresh=1000)
    made, count = counter()
    first = reports.recent("sla", count)
    assert first.instant == START.replace(microsecond=0)
    clock.now += timedelta(seconds=59)
    assert reports.recent("sla", count) is first
    clock.now += timedelta(seconds=2)
    later = reports.recent("sla", count)
    assert later.instant == (START + timedelta(seconds=61)).replace(microsecond=0)
    assert len(made) == 2


def test_a_count_is_found_again_by_its_instant_after_a_newer_one_for_now() -> None:
    clock = Clock()
    reports = cache(clock, fresh=60, refresh=1000)
    made, count = counter()
    first = reports.recent("sla", count)
    clock.now += timedelta(minutes=5)
    reports.recent("sla", count)
    assert reports.at("sla", first.instant, count) is first
    assert len(made) == 2
    other = START - timedelta(days=3)
    assert reports.at("sla", other, count).instant == other
    assert reports.at("first-contact", first.instant, count) is not first


def test_requests_for_a_missing_count_wait_for_one_count() -> None:
    clock = Clock()
    reports = cache(clock)
    started, release = threading.Event(), threading.Event()
    made: list[datetime] = []

    def slow(instant: datetime) -> Counted:
        made.append(instant)
        started.set()
        release.wait(5)
        report = Report("sla", "default", "2026-01-01", PERIOD, instant, False, (), [])
        return Counted(report, instant, {}, (), 1)

    answers: list[Counted] = []
    threads = [
        threading.Thread(target=lambda: answers.append(reports.recent("sla", slow)))
        for _ in range(4)
    ]
    threads[0].start()
    started.wait(5)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(5)
    assert len(made) == 1
    assert len(answers) == 4
    assert all(a is answers[0] for a in answers)


def test_a_count_older_than_the_refresh_age_is_recounted_in_the_background() -> None:
    clock = Clock()
    reports = cache(clock, fresh=60, refresh=30)
    made, count = counter()
    first = reports.recent("sla", count)
    clock.now += timedelta(seconds=40)
    assert reports.recent("sla", count) is first  # served meanwhile
    for thread in threading.enumerate():
        if thread.name == "propdesk-dashboard":
            thread.join(5)
    assert len(made) == 2
    newer = reports.recent("sla", count)
    assert newer.instant == made[1]
    assert newer is not first


def test_past_the_case_limit_the_least_recently_used_count_goes() -> None:
    clock = Clock()
    reports = cache(clock, max_cases=25)
    made, count = counter(cases=10)
    instants = [START - timedelta(days=d) for d in (1, 2, 3)]
    reports.at("sla", instants[0], count)
    clock.now += timedelta(seconds=1)
    reports.at("sla", instants[1], count)
    clock.now += timedelta(seconds=1)
    reports.at("sla", instants[0], count)  # used again
    clock.now += timedelta(seconds=1)
    reports.at("sla", instants[2], count)  # 30 cases: one goes
    assert len(made) == 3
    reports.at("sla", instants[0], count)
    assert len(made) == 3  # kept
    reports.at("sla", instants[1], count)
    assert len(made) == 4  # the least recently used went
