"""SLA figures computed by hand, checked against the reports built from real events.

Times are Asia/Shanghai. Business hours 08:30-17:30 on China's working days.
"""

from __future__ import annotations

import pytest

from support.late_entries import two_late_repairs
from support.readside import Scenario, row


@pytest.fixture
def scenario(db: str) -> Scenario:
    return Scenario(db)


def test_business_time_runs_across_a_night_into_a_make_up_working_saturday(
    scenario: Scenario,
) -> None:
    # Fri 2026-10-09 17:00 -> Sat 2026-10-10 09:00 (调休, a working day):
    # 30 min on Friday + 30 min on Saturday = 60 min > 30 min target.
    case = scenario.receive("2026-10-09T17:00", "repair", priority="normal")
    scenario.do("2026-10-10T09:00", "dispatch", case, assignee="eng-wang")
    dispatch = row(scenario.sla("2026-10-12T12:00"), "repair", "normal", "dispatch")
    assert (dispatch["met"], dispatch["breached"], dispatch["pending"]) == (0, 1, 0)
    assert dispatch["p50_minutes"] == 60.0


def test_business_time_skips_the_national_day_holiday(scenario: Scenario) -> None:
    # Received Wed 2026-09-30 16:30; dispatched 16:50 (20 min, met);
    # completed Fri 2026-10-09 09:30: 60 min on 9/30 + 540 on 10/8 + 60 on 10/9 = 660 min
    # against 540 (one working day): breached.
    case = scenario.receive("2026-09-30T16:30", "repair", priority="normal")
    scenario.do("2026-09-30T16:50", "dispatch", case, assignee="eng-wang")
    scenario.do("2026-10-08T09:00", "sign", case, actor="eng-wang")
    scenario.do("2026-10-08T09:30", "arrive", case, actor="eng-wang")
    scenario.do("2026-10-09T09:30", "complete", case, actor="eng-wang", resolution="fixed")
    report = scenario.sla("2026-10-09T10:00")
    assert row(report, "repair", "normal", "dispatch")["p50_minutes"] == 20.0
    completion = row(report, "repair", "normal", "completion")
    assert (completion["met"], completion["breached"], completion["p50_minutes"]) == (0, 1, 660.0)
    assert report.estimated is False


def test_a_hold_over_a_weekend_pauses_the_completion_clock(scenario: Scenario) -> None:
    # Complaint received Fri 2026-11-13 09:00, dispatched 09:10, replied 10:00.
    # Held Fri 16:30, resumed Mon 2026-11-16 10:30, completed Mon 12:00.
    # Business time 09:00 Fri -> 12:00 Mon = 510 + 210 = 720 min; on hold 60 + 120 = 180 min;
    # completion elapsed 540 min <= 27 h: met.
    case = scenario.receive("2026-11-13T09:00", "complaint")
    scenario.do("2026-11-13T09:10", "dispatch", case, assignee="dept-cleaning")
    scenario.do("2026-11-13T10:00", "reply", case, message="we are on it")
    scenario.do("2026-11-13T16:30", "hold", case, reason="waiting for the resident")
    scenario.do("2026-11-16T10:30", "resume", case)
    scenario.do("2026-11-16T12:00", "complete", case, resolution="cleaned")
    report = scenario.sla("2026-11-16T13:00")
    completion = row(report, "complaint", "normal", "completion")
    assert (completion["met"], completion["p50_minutes"]) == (1, 540.0)
    assert row(report, "complaint", "normal", "dispatch")["p50_minutes"] == 10.0
    assert row(report, "complaint", "normal", "first_reply")["p50_minutes"] == 60.0
    callback = row(report, "complaint", "normal", "callback")
    assert (callback["met"], callback["breached"], callback["pending"]) == (0, 0, 1)


def test_a_reopened_repair_keeps_its_first_completion_and_first_real_callback(
    scenario: Scenario,
) -> None:
    # Emergency repair (24x7): dispatched after 5 min (met), on site after 40 (breached, 30),
    # completed after 2 h (met, 24 h); callback unsatisfied 1 h after completion stops the
    # callback clock (met); the rework does not restart any milestone.
    case = scenario.receive("2026-11-21T22:00", "repair", priority="emergency", category="gas")
    scenario.do("2026-11-21T22:05", "dispatch", case, assignee="eng-wang")
    scenario.do("2026-11-21T22:10", "sign", case, actor="eng-wang")
    scenario.do("2026-11-21T22:40", "arrive", case, actor="eng-wang")
    scenario.do("2026-11-22T00:00", "complete", case, actor="eng-wang", resolution="valve shut")
    scenario.do("2026-11-22T01:00", "callback", case, outcome="unsatisfied")
    scenario.do("2026-11-22T01:10", "dispatch", case, assignee="eng-li")
    scenario.do("2026-11-22T01:20", "sign", case, actor="eng-li")
    scenario.do("2026-11-22T01:50", "arrive", case, actor="eng-li")
    scenario.do("2026-11-22T03:00", "complete", case, actor="eng-li", resolution="pipe replaced")
    scenario.do("2026-11-22T09:00", "callback", case, outcome="satisfied")
    report = scenario.sla("2026-11-23T00:00")
    expected = {
        "dispatch": (1, 0, 5.0),
        "on_site": (0, 1, 40.0),
        "completion": (1, 0, 120.0),
        "callback": (1, 0, 60.0),
    }
    for milestone, (met, breached, minutes) in expected.items():
        figures = row(report, "repair", "emergency", milestone)
        assert (figures["met"], figures["breached"], figures["p50_minutes"]) == (
            met,
            breached,
            minutes,
        ), milestone


def test_a_cancelled_case_leaves_its_unstopped_milestones_out(scenario: Scenario) -> None:
    case = scenario.receive("2026-11-18T09:00", "repair", priority="normal")
    scenario.do("2026-11-18T09:10", "dispatch", case, assignee="eng-wang")
    scenario.do("2026-11-19T09:00", "cancel", case, reason="resident fixed it")
    report = scenario.sla("2026-11-25T09:00")
    assert row(report, "repair", "normal", "dispatch")["met"] == 1
    completion = row(report, "repair", "normal", "completion")
    assert (completion["met"], completion["breached"], completion["pending"]) == (0, 0, 0)
    assert completion["attainment"] is None


def test_an_unreachable_callback_does_not_stop_the_clock_a_real_one_does(
    scenario: Scenario,
) -> None:
    # Completed Mon 09:00; unreachable at 19:00; satisfied Thu 17:00 = 80 h > 72 h: breached.
    case = scenario.receive("2026-11-16T08:00", "complaint")
    scenario.do("2026-11-16T08:30", "dispatch", case, assignee="dept-security")
    scenario.do("2026-11-16T09:00", "complete", case, resolution="patrol added")
    scenario.do("2026-11-16T19:00", "callback", case, outcome="unreachable")
    before = row(scenario.sla("2026-11-17T09:00"), "complaint", "normal", "callback")
    assert (before["pending"], before["p50_minutes"]) == (1, None)
    scenario.do("2026-11-19T17:00", "callback", case, outcome="satisfied")
    after = row(scenario.sla("2026-11-20T09:00"), "complaint", "normal", "callback")
    assert (after["breached"], after["p50_minutes"]) == (1, 80 * 60.0)


def test_as_of_counts_only_what_was_recorded_by_then(scenario: Scenario) -> None:
    case = scenario.receive("2026-11-24T10:00", "repair", priority="normal")
    scenario.do("2026-11-24T10:20", "dispatch", case, assignee="eng-wang")
    earlier = row(scenario.sla("2026-11-24T10:10"), "repair", "normal", "dispatch")
    later = row(scenario.sla("2026-11-24T10:30"), "repair", "normal", "dispatch")
    assert (earlier["met"], earlier["pending"]) == (0, 1)
    assert (later["met"], later["pending"], later["p50_minutes"]) == (1, 0, 20.0)


def test_attainment_and_nearest_rank_percentiles(scenario: Scenario) -> None:
    # Dispatch after 5, 10, 20, 40 and 50 min (business hours, one day): 3 met, 2 breached.
    for minutes in (5, 10, 20, 40, 50):
        case = scenario.receive("2026-11-25T09:00", "repair", priority="normal")
        scenario.do(f"2026-11-25T09:{minutes:02d}", "dispatch", case, assignee="eng-wang")
    dispatch = row(scenario.sla("2026-11-25T12:00"), "repair", "normal", "dispatch")
    assert (dispatch["met"], dispatch["breached"], dispatch["attainment"]) == (3, 2, 0.6)
    assert (dispatch["p50_minutes"], dispatch["p90_minutes"]) == (20.0, 50.0)


def test_late_stops_count_the_milestones_whose_stop_was_entered_late(
    scenario: Scenario,
) -> None:
    two_late_repairs(scenario)
    expected = {  # milestone: (met, breached, pending, late_stops)
        "dispatch": (2, 0, 0, 0),
        "on_site": (1, 1, 0, 1),
        "completion": (2, 0, 0, 1),
        "callback": (0, 0, 2, 0),
    }
    report = scenario.sla("2026-11-22T12:00")
    for milestone, figures in expected.items():
        found = row(report, "repair", "emergency", milestone)
        assert (found["met"], found["breached"], found["pending"], found["late_stops"]) == (
            figures
        ), milestone
    # As of 04:00 neither late entry was known: A's arrival was still due (and overdue),
    # B's completion still running.
    earlier = scenario.sla("2026-11-22T04:00")
    on_site = row(earlier, "repair", "emergency", "on_site")
    assert (on_site["met"], on_site["breached"], on_site["late_stops"]) == (0, 2, 0)
    completion = row(earlier, "repair", "emergency", "completion")
    assert (completion["pending"], completion["late_stops"]) == (2, 0)


def test_the_milestone_read_model_marks_a_stop_entered_late(scenario: Scenario) -> None:
    two_late_repairs(scenario)
    scenario.follower.catch_up()
    rows = scenario.follower.store.query(
        "SELECT name, late_stop FROM rm_milestones WHERE late_stop = 1 ORDER BY name"
    )
    assert [(r["name"], r["late_stop"]) for r in rows] == [("completion", 1), ("on_site", 1)]


def test_a_case_resolved_at_first_contact_leaves_its_work_milestones_out_and_is_called_back(
    scenario: Scenario,
) -> None:
    # An emergency repair settled on the phone 5 min after the call (the water is off for
    # maintenance): dispatch, on site and completion never ran their course, so they are
    # counted in no column; the callback's clock starts at the resolution and is met at 2 h.
    repair = scenario.receive("2026-11-18T09:00", "repair", priority="emergency")
    scenario.do("2026-11-18T09:05", "resolve", repair, resolution="water off until 16:00")
    # A complaint explained on the spot; its callback is still due at the report.
    complaint = scenario.receive("2026-11-18T10:00", "complaint")
    scenario.do("2026-11-18T10:03", "resolve", complaint, resolution="explained the fee")
    scenario.do("2026-11-18T11:05", "callback", repair, outcome="satisfied")
    report = scenario.sla("2026-11-18T12:00")
    for kind, priority, milestone in (
        ("repair", "emergency", "dispatch"),
        ("repair", "emergency", "on_site"),
        ("repair", "emergency", "completion"),
        ("complaint", "normal", "dispatch"),
        ("complaint", "normal", "first_reply"),
        ("complaint", "normal", "completion"),
    ):
        counted = row(report, kind, priority, milestone)
        assert (counted["met"], counted["breached"], counted["pending"]) == (0, 0, 0), milestone
    callback = row(report, "repair", "emergency", "callback")
    assert (callback["met"], callback["p50_minutes"]) == (1, 120.0)
    waiting = row(report, "complaint", "normal", "callback")
    assert (waiting["met"], waiting["breached"], waiting["pending"]) == (0, 0, 1)
    scenario.follower.catch_up()
    stored = scenario.follower.store.query(
        "SELECT name, status FROM rm_milestones WHERE case_id = ? ORDER BY name", (str(repair),)
    )
    assert [(r["name"], r["status"]) for r in stored] == [
        ("callback", "met"),
        ("completion", "excluded"),
        ("dispatch", "excluded"),
        ("on_site", "excluded"),
    ]
