"""The SLA rules of one milestone's clock: start, stop, pause on hold, judgement, due instant.

Each test drives a clock as the read side does (signals, holds and resumes of one case)
with the shipped default policy. Times are Asia/Shanghai; 2026-11-25 is a Wednesday,
an ordinary working day, 2026-11-21 a Saturday.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field
from datetime import datetime

import pytest

from projections.calendar import SHANGHAI, BusinessCalendar
from projections.milestones import Judgement, MilestoneClock, due, elapsed, judge
from projections.policy import MilestoneSpec, load_policy, parse_policy

MINUTE = 60.0
HOUR = 3600.0


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def default_spec(kind: str, priority: str, name: str) -> MilestoneSpec:
    specs = {spec.name: spec for spec in load_policy().milestones_for(kind, priority)}
    return specs[name]


@dataclass
class Clock:
    """One milestone of one case, told what happens to the case in order."""

    spec: MilestoneSpec
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)
    on_hold: bool = False
    clock: MilestoneClock = field(init=False)

    def __post_init__(self) -> None:
        self.clock = MilestoneClock(self.spec.name)

    def signal(self, name: str, moment: str, late: bool = False) -> bool:
        if late:
            return self.clock.on_signal(
                self.spec, name, at(moment), self.on_hold, self.calendar, late=True
            )
        # As most callers do: a signal is on time unless said otherwise.
        return self.clock.on_signal(self.spec, name, at(moment), self.on_hold, self.calendar)

    def hold(self, moment: str) -> bool:
        self.on_hold = True
        return self.clock.on_hold(self.spec, at(moment))

    def resume(self, moment: str) -> bool:
        self.on_hold = False
        return self.clock.on_resume(self.spec, at(moment), self.calendar)

    def end(self) -> bool:
        return self.clock.on_end()

    def judged(self, as_of: str) -> Judgement:
        return judge(self.spec, self.clock, at(as_of), self.calendar)


# -- holds --------------------------------------------------------------------------


def test_a_complaint_held_from_0910_to_1110_and_dispatched_at_1115_breached_its_dispatch() -> None:
    # The hand-off clock (20 min, business) does not pause on hold: 09:00 -> 11:15 is 135 min.
    dispatch = Clock(default_spec("complaint", "normal", "dispatch"))
    completion = Clock(default_spec("complaint", "normal", "completion"))
    for clock in (dispatch, completion):
        clock.signal("received", "2026-11-25T09:00")
    assert dispatch.hold("2026-11-25T09:10") is False
    assert completion.hold("2026-11-25T09:10")
    assert dispatch.resume("2026-11-25T11:10") is False
    assert completion.resume("2026-11-25T11:10")
    assert dispatch.signal("dispatched", "2026-11-25T11:15")
    assert completion.signal("dispatched", "2026-11-25T11:15") is False

    judged = dispatch.judged("2026-11-25T12:00")
    assert (judged.status, judged.elapsed_seconds, judged.stopped) == (
        "breached",
        135 * MINUTE,
        True,
    )
    # The completion clock of the same complaint does pause: 180 min less 120 on hold.
    assert completion.judged("2026-11-25T12:00").elapsed_seconds == 60 * MINUTE
    assert completion.clock.held_seconds == 120 * MINUTE


def test_a_hold_before_a_milestone_starts_does_not_pause_it_later() -> None:
    # Renovation: the review is held two hours for missing documents; the acceptance
    # clock (9 h, business) has not started then, so nothing of that hold is subtracted
    # from it: requested Wed 09:00, passed Thu 10:00 = 510 + 90 = 600 min, breached.
    acceptance = Clock(default_spec("renovation", "normal", "acceptance"))
    acceptance.signal("received", "2026-11-24T09:00")
    assert acceptance.hold("2026-11-24T10:00") is False
    assert acceptance.resume("2026-11-24T12:00") is False
    assert acceptance.clock.held_since is None
    acceptance.signal("decided", "2026-11-24T15:00")
    assert acceptance.signal("acceptance_requested", "2026-11-25T09:00")
    assert acceptance.signal("acceptance_decided", "2026-11-26T10:00")

    judged = acceptance.judged("2026-11-26T12:00")
    assert (judged.status, judged.elapsed_seconds) == ("breached", 600 * MINUTE)
    assert acceptance.clock.held_seconds == 0.0


def test_a_hold_after_a_milestone_stopped_changes_nothing() -> None:
    # Emergency repair: dispatched after 15 min (breached, 10 min); the case is then held
    # an hour waiting for parts. The stopped dispatch milestone keeps its 15 minutes.
    dispatch = Clock(default_spec("repair", "emergency", "dispatch"))
    dispatch.signal("received", "2026-11-21T22:00")
    dispatch.signal("dispatched", "2026-11-21T22:15")
    assert dispatch.hold("2026-11-21T22:30") is False
    assert dispatch.resume("2026-11-21T23:30") is False

    judged = dispatch.judged("2026-11-22T08:00")
    assert (judged.status, judged.elapsed_seconds) == ("breached", 15 * MINUTE)
    assert (dispatch.clock.held_seconds, dispatch.clock.held_since) == (0.0, None)


def test_a_hold_while_already_paused_keeps_the_first_hold_start() -> None:
    completion = Clock(default_spec("repair", "normal", "completion"))
    completion.signal("received", "2026-11-25T09:00")
    assert completion.hold("2026-11-25T10:00")
    assert completion.hold("2026-11-25T11:00") is False
    assert completion.clock.held_since == at("2026-11-25T10:00")


def test_a_resume_without_a_hold_changes_nothing() -> None:
    completion = Clock(default_spec("repair", "normal", "completion"))
    completion.signal("received", "2026-11-25T09:00")
    assert completion.resume("2026-11-25T10:00") is False
    assert completion.clock.held_seconds == 0.0


def test_an_as_of_report_during_a_hold_subtracts_the_hold_so_far() -> None:
    # Normal repair received Wed 09:00, held from 10:00 and still held on Thu 12:00:
    # 60 min of work against the one working day (540 min): pending, with no due time.
    completion = Clock(default_spec("repair", "normal", "completion"))
    completion.signal("received", "2026-11-25T09:00")
    completion.hold("2026-11-25T10:00")

    judged = completion.judged("2026-11-26T12:00")
    assert (judged.status, judged.elapsed_seconds, judged.due_at) == (
        "pending",
        60 * MINUTE,
        None,
    )


def test_a_hold_resumed_at_the_instant_it_began_subtracts_nothing() -> None:
    completion = Clock(default_spec("repair", "emergency", "completion"))
    completion.signal("received", "2026-11-21T22:00")
    completion.hold("2026-11-21T22:10")
    assert completion.resume("2026-11-21T22:10")
    assert completion.clock.held_seconds == 0.0
    assert completion.judged("2026-11-21T22:30").elapsed_seconds == 30 * MINUTE


def test_a_business_hold_is_measured_in_business_time() -> None:
    # Held Wed 16:30 to Thu 09:30: 60 + 60 min of business time, not 17 hours.
    completion = Clock(default_spec("repair", "normal", "completion"))
    completion.signal("received", "2026-11-25T09:00")
    completion.hold("2026-11-25T16:30")
    completion.resume("2026-11-26T09:30")
    assert completion.clock.held_seconds == 120 * MINUTE


def test_a_milestone_started_while_on_hold_stays_paused_until_the_case_resumes() -> None:
    policy = parse_policy(
        'name = "from the first reply"\n'
        "effective = 2026-01-01\n"
        "[[milestone]]\n"
        'name = "completion"\nkind = "complaint"\nstart = "replied"\n'
        'stop = ["completed"]\ntarget = "9h"\nclock = "business"\nhold_pauses = true\n'
    )
    completion = Clock(policy.milestones_for("complaint", "normal")[0])
    completion.hold("2026-11-25T09:00")
    assert completion.signal("replied", "2026-11-25T10:00")
    paused = completion.judged("2026-11-25T11:00")
    assert (paused.status, paused.elapsed_seconds, paused.due_at) == ("pending", 0.0, None)

    # Paused from its start at 10:00 to 12:00: due 9 h of business time after 12:00
    # (330 min on Wednesday, 210 on Thursday).
    completion.resume("2026-11-25T12:00")
    running = completion.judged("2026-11-25T13:00")
    assert (running.elapsed_seconds, running.due_at) == (60 * MINUTE, at("2026-11-26T12:00"))


# -- the start -----------------------------------------------------------------------


def test_the_acceptance_clock_of_a_renovation_runs_from_the_request_to_the_decision() -> None:
    acceptance = Clock(default_spec("renovation", "normal", "acceptance"))
    assert acceptance.signal("received", "2026-11-24T09:00") is False
    assert acceptance.judged("2026-11-24T10:00").status == "not_started"
    assert acceptance.signal("acceptance_requested", "2026-11-25T09:00")

    running = acceptance.judged("2026-11-25T11:00")
    assert (running.status, running.elapsed_seconds, running.due_at) == (
        "pending",
        120 * MINUTE,
        at("2026-11-26T09:00"),
    )
    acceptance.signal("acceptance_decided", "2026-11-25T15:00")
    decided = acceptance.judged("2026-11-27T09:00")
    assert (decided.status, decided.elapsed_seconds) == ("met", 360 * MINUTE)


def test_a_second_start_signal_does_not_restart_a_milestone() -> None:
    callback = Clock(default_spec("repair", "normal", "callback"))
    assert callback.signal("completed", "2026-11-25T10:00")
    assert callback.signal("completed", "2026-11-26T10:00") is False
    assert callback.clock.started_at == at("2026-11-25T10:00")


def test_a_stop_signal_before_the_start_is_ignored() -> None:
    callback = Clock(default_spec("repair", "normal", "callback"))
    assert callback.signal("callback_reached", "2026-11-25T10:00") is False
    assert callback.clock.stopped_at is None
    assert callback.judged("2026-11-25T11:00") == Judgement(
        "callback", None, "not_started", None, False
    )


def test_a_milestone_that_never_started_has_no_elapsed_time_and_no_due_time() -> None:
    callback = Clock(default_spec("repair", "normal", "callback"))
    calendar = BusinessCalendar()
    assert elapsed(callback.spec, callback.clock, at("2026-11-25T11:00"), calendar) == 0.0
    assert due(callback.spec, callback.clock, calendar) is None


# -- the stop ------------------------------------------------------------------------


def test_only_the_first_stop_signal_stops_a_milestone() -> None:
    dispatch = Clock(default_spec("repair", "emergency", "dispatch"))
    dispatch.signal("received", "2026-11-21T22:00")
    assert dispatch.signal("dispatched", "2026-11-21T22:05")
    assert dispatch.signal("dispatched", "2026-11-21T23:05") is False
    assert dispatch.clock.stopped_at == at("2026-11-21T22:05")


def test_a_signal_that_is_not_the_milestones_stop_does_not_stop_it() -> None:
    on_site = Clock(default_spec("repair", "emergency", "on_site"))
    on_site.signal("received", "2026-11-21T22:00")
    assert on_site.signal("dispatched", "2026-11-21T22:05") is False
    assert on_site.clock.running


def test_a_milestone_stopped_while_its_case_is_on_hold_keeps_the_hold_off_its_time() -> None:
    # Renovation review: received Wed 09:00, held 10:00 for missing documents and
    # rejected from hold at 15:00: 60 min of review, 300 min on hold.
    review = Clock(default_spec("renovation", "normal", "review"))
    review.signal("received", "2026-11-25T09:00")
    review.hold("2026-11-25T10:00")
    review.on_hold = False
    assert review.signal("decided", "2026-11-25T15:00")

    assert (review.clock.held_seconds, review.clock.held_since) == (300 * MINUTE, None)
    judged = review.judged("2026-11-26T09:00")
    assert (judged.status, judged.elapsed_seconds, judged.stopped) == ("met", 60 * MINUTE, True)
    # Its due time: 27 h of review plus the 5 h held from Wed 09:00 (510 + 540 + 540 min to
    # Friday's close, the weekend off, 330 min on Monday).
    assert judged.due_at == at("2026-11-30T14:00")


def test_a_stop_entered_late_is_marked_and_an_on_time_one_is_not() -> None:
    late = Clock(default_spec("repair", "emergency", "dispatch"))
    late.signal("received", "2026-11-21T22:00", late=True)
    assert not late.clock.late_stop
    late.signal("dispatched", "2026-11-21T22:05", late=True)
    assert late.clock.late_stop

    on_time = Clock(default_spec("repair", "emergency", "dispatch"))
    on_time.signal("received", "2026-11-21T22:00")
    on_time.signal("dispatched", "2026-11-21T22:05")
    assert not on_time.clock.late_stop


# -- judgement -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dispatched", "status", "seconds"),
    [
        ("2026-11-21T22:09:59", "met", 599.0),
        ("2026-11-21T22:10:00", "met", 600.0),  # exactly on target is met
        ("2026-11-21T22:10:01", "breached", 601.0),
    ],
)
def test_a_milestone_stopped_on_or_within_its_target_is_met_and_one_second_over_is_breached(
    dispatched: str, status: str, seconds: float
) -> None:
    dispatch = Clock(default_spec("repair", "emergency", "dispatch"))  # 10 min, 24x7
    dispatch.signal("received", "2026-11-21T22:00")
    dispatch.signal("dispatched", dispatched)
    judged = dispatch.judged("2026-11-22T09:00")
    assert (judged.status, judged.elapsed_seconds) == (status, seconds)


@pytest.mark.parametrize(
    ("as_of", "status"),
    [("2026-11-25T09:30", "pending"), ("2026-11-25T09:30:01", "breached")],
)
def test_a_running_milestone_is_pending_up_to_its_target_and_breached_after(
    as_of: str, status: str
) -> None:
    dispatch = Clock(default_spec("repair", "normal", "dispatch"))  # 30 min, business
    dispatch.signal("received", "2026-11-25T09:00")
    judged = dispatch.judged(as_of)
    assert (judged.status, judged.stopped) == (status, False)


def test_a_judgement_cannot_be_changed_once_made() -> None:
    dispatch = Clock(default_spec("repair", "emergency", "dispatch"))
    dispatch.signal("received", "2026-11-21T22:00")
    judged = dispatch.judged("2026-11-21T22:05")
    with pytest.raises(FrozenInstanceError):
        judged.status = "met"  # type: ignore[misc]


def test_a_milestone_stopped_at_its_start_has_no_elapsed_time() -> None:
    dispatch = Clock(default_spec("repair", "emergency", "dispatch"))
    dispatch.signal("received", "2026-11-21T22:00")
    dispatch.signal("dispatched", "2026-11-21T22:00")
    assert dispatch.judged("2026-11-21T23:00").elapsed_seconds == 0.0


def test_a_business_clock_counts_only_business_hours_and_a_wall_clock_counts_all() -> None:
    # A complaint received Fri 17:00 and replied to and dispatched Mon 09:00.
    first_reply = Clock(default_spec("complaint", "normal", "first_reply"))  # 24 h, 24x7
    dispatch = Clock(default_spec("complaint", "normal", "dispatch"))  # 20 min, business
    for clock in (first_reply, dispatch):
        clock.signal("received", "2026-11-20T17:00")
    first_reply.signal("replied", "2026-11-23T09:00")
    dispatch.signal("dispatched", "2026-11-23T09:00")
    assert first_reply.judged("2026-11-23T10:00").elapsed_seconds == 64 * HOUR
    assert dispatch.judged("2026-11-23T10:00").elapsed_seconds == 60 * MINUTE


# -- cancelled and invalid cases -----------------------------------------------------


def test_a_milestone_not_stopped_when_its_case_ends_is_excluded_and_stays_so() -> None:
    completion = Clock(default_spec("repair", "normal", "completion"))
    completion.signal("received", "2026-11-25T09:00")
    assert completion.end()
    assert completion.end() is False
    assert not completion.clock.running
    assert completion.signal("completed", "2026-11-25T10:00") is False
    assert completion.judged("2026-11-26T09:00") == Judgement(
        "completion", None, "excluded", None, False
    )


def test_a_milestone_stopped_before_its_case_ends_keeps_its_judgement() -> None:
    dispatch = Clock(default_spec("repair", "normal", "dispatch"))
    dispatch.signal("received", "2026-11-25T09:00")
    dispatch.signal("dispatched", "2026-11-25T09:20")
    assert dispatch.end() is False
    judged = dispatch.judged("2026-11-26T09:00")
    assert (judged.status, judged.elapsed_seconds) == ("met", 20 * MINUTE)


def test_a_milestone_not_started_when_its_case_ends_is_excluded() -> None:
    callback = Clock(default_spec("repair", "normal", "callback"))
    assert callback.end()
    assert callback.judged("2026-11-26T09:00").status == "excluded"


# -- the due instant -----------------------------------------------------------------


def test_the_due_instant_of_a_business_milestone_counts_business_hours_from_the_start() -> None:
    # 540 min from Wed 09:00: 510 on Wednesday, 30 on Thursday.
    completion = Clock(default_spec("repair", "normal", "completion"))
    completion.signal("received", "2026-11-25T09:00")
    assert completion.judged("2026-11-25T10:00").due_at == at("2026-11-26T09:00")


def test_the_due_instant_moves_later_by_the_time_held() -> None:
    # Received Wed 09:00, held Wed 10:00 to Thu 13:00 (450 + 270 = 720 min of business
    # time): 540 + 720 = 1260 min from Wed 09:00 is Fri 12:00 (510 + 540 + 210).
    completion = Clock(default_spec("repair", "normal", "completion"))
    completion.signal("received", "2026-11-25T09:00")
    assert completion.judged("2026-11-25T09:30").due_at == at("2026-11-26T09:00")
    completion.hold("2026-11-25T10:00")
    assert completion.judged("2026-11-26T12:00").due_at is None
    completion.resume("2026-11-26T13:00")
    assert completion.judged("2026-11-26T14:00").due_at == at("2026-11-27T12:00")


def test_the_due_instant_of_a_wall_clock_milestone_moves_later_by_the_time_held() -> None:
    # Emergency repair received Sat 22:00 (24 h, pauses on hold), held 23:00 to Sun 01:00.
    completion = Clock(default_spec("repair", "emergency", "completion"))
    completion.signal("received", "2026-11-21T22:00")
    assert completion.judged("2026-11-21T22:30").due_at == at("2026-11-22T22:00")
    completion.hold("2026-11-21T23:00")
    assert completion.judged("2026-11-21T23:30").due_at is None
    completion.resume("2026-11-22T01:00")
    judged = completion.judged("2026-11-22T02:00")
    assert (judged.due_at, judged.elapsed_seconds) == (at("2026-11-23T00:00"), 2 * HOUR)
