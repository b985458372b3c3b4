"""How repairs and complaints unfold, and the callback (回访) every kind ends with."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from api.simulation.catalogue import (
    CALLBACK_COMMENTS,
    INVALID_COMPLAINTS,
    RESOLUTIONS,
    SETTLED_AT_ONCE,
    URGE_NOTES,
)
from api.simulation.story import Script, Story
from api.simulation.world import DEPARTMENTS, SUPERVISOR, crew_for
from workflow.inputs import area_of

CALLBACK_TARGET = timedelta(hours=72)
OUTCOMES = {"satisfied": 68, "basically_satisfied": 17, "unsatisfied": 5, "unreachable": 10}
LATE_CALLBACKS = 0.06  # share of callbacks planned after the 72-hour target
UNREACHABLE_ATTEMPTS = 3  # the resident answers by the fourth call at the latest
QUOTES = (50, 80, 120, 150, 200, 280, 350, 480, 650)
# Of the calls a desk can settle at once (`SETTLED_AT_ONCE`), the share it does settle:
# about a fifth of the repairs in their categories, and a few complaints.
SETTLED_REPAIRS = 0.7
SETTLED_COMPLAINTS = 0.5
# A resident kept waiting longer than this for the engineer or for an answer may call
# again to chase the case (催办); URGES is the share of such waits in which they do.
URGE_AFTER = timedelta(hours=4)
URGES = 0.3


def callbacks(s: Story, rework: Callable[[Story], Script]) -> Script:
    """Call the resident after completion until reached; unsatisfied sends the work back."""
    reworked = False
    while True:
        completed = s.now
        yield s.calling(s.hours(73, 120) if s.chance(LATE_CALLBACKS) else s.hours(1, 48))
        attempts = 0
        while True:
            outcome = _outcome(s, answers=attempts >= UNREACHABLE_ATTEMPTS, reworked=reworked)
            marks = ["late callback"] if s.now - completed > CALLBACK_TARGET else []
            marks += {"unreachable": ["unreachable callback"], "unsatisfied": ["reopen"]}.get(
                outcome, []
            )
            comment = s.rng.choice(CALLBACK_COMMENTS[outcome])
            s.record(
                s.app.callback(
                    s.case_id, actor=s.desk(), outcome=outcome, comment=comment, at=s.now
                ),
                *marks,
            )
            if outcome != "unreachable":
                break
            attempts += 1
            yield s.calling(s.hours(3, 20))
        if outcome != "unsatisfied":
            return
        reworked = True
        yield from rework(s)


def _outcome(s: Story, *, answers: bool, reworked: bool) -> str:
    # Kept finite: the resident answers in the end, and rework is not sent round again.
    options = {
        outcome: weight
        for outcome, weight in OUTCOMES.items()
        if not (answers and outcome == "unreachable")
        and not (reworked and outcome == "unsatisfied")
    }
    return s.rng.choices(list(options), weights=list(options.values()))[0]


def waiting(s: Story, until: datetime) -> Script:
    """Waits until `until`; a resident kept waiting long may call to chase the case (催办),
    which the desk records as an urge, halfway through the wait."""
    if until - s.now > URGE_AFTER and s.chance(URGES):
        chased = s.calling(s.now + (until - s.now) / 2)
        if chased < until:
            yield chased
            note = s.rng.choice(URGE_NOTES)
            urged = s.app.send("urge", s.case_id, actor=s.desk(), fields={"note": note}, at=s.now)
            s.record(urged, "urge")
    yield until


def settled_at_once(s: Story, share: float) -> str | None:
    """How the person who took the request settles it at once (当场解决), if they do."""
    request = s.arrival.request
    resolution = SETTLED_AT_ONCE.get(request.description)
    # Drawn only for such calls: every other case's story stays as it was.
    if resolution is None or request.channel == "patrol" or not s.chance(share):
        return None
    return resolution


def _settled_or(
    s: Story, share: float, rework: Callable[[Story], Script], work: Callable[[Story], Script]
) -> Script:
    settled = settled_at_once(s, share)
    yield from work(s) if settled is None else resolve(s, settled, rework)


def resolve(s: Story, resolution: str, rework: Callable[[Story], Script]) -> Script:
    """Settled while the resident is still on the line; called back as any other."""
    yield s.minutes(2, 8)
    taken_by = s.arrival.request.received_by or s.desk()
    fields = {"resolution": resolution}
    recorded = s.app.send("resolve", s.case_id, actor=taken_by, fields=fields, at=s.now)
    s.record(recorded, "resolved at first contact")
    yield from callbacks(s, rework)


# -- repairs (报修) ------------------------------------------------------------------


def repair(s: Story) -> Script:
    """Settled at once by whoever took the call, or sent to an engineer."""
    yield from _settled_or(s, SETTLED_REPAIRS, _repair_rework, _repair_visit)


def _repair_visit(s: Story) -> Script:
    request = s.arrival.request
    emergency = request.priority == "emergency"
    in_home = area_of(request.location) == "in_home"
    team, crew = crew_for(request.category, request.community)
    worker = s.pick(crew)
    yield s.minutes(2, 12) if emergency else s.office_minutes(5, 40)
    s.record(s.app.dispatch(s.case_id, actor=s.desk(), assignee=worker, team=team, at=s.now))
    if s.chance(0.06):  # the worker is tied up elsewhere: the supervisor reassigns
        yield s.minutes(5, 15) if emergency else s.office_minutes(15, 60)
        worker = s.pick(crew, besides=worker)
        s.record(
            s.app.dispatch(
                s.case_id,
                actor=SUPERVISOR,
                assignee=worker,
                team=team,
                note="first worker tied up on another job",
                at=s.now,
            ),
            "reassignment",
        )
    if not emergency and s.chance(0.03):
        yield s.hours(1, 6)
        reason = "resident withdrew: fixed it themselves"
        s.record(s.app.cancel(s.case_id, actor=s.desk(), reason=reason, at=s.now), "cancellation")
        return
    yield s.minutes(1, 5) if emergency else s.office_minutes(5, 45)
    s.record(s.app.sign(s.case_id, actor=worker, at=s.now))
    if not emergency and in_home and s.chance(0.05):
        yield s.office_minutes(10, 60)
        reason = "waiting for the resident: not at home, new appointment"
        s.record(s.app.hold(s.case_id, actor=worker, reason=reason, at=s.now), "hold")
        yield s.office_minutes(240, 900)
        s.record(s.app.resume(s.case_id, actor=worker, at=s.now))
    yield from waiting(s, s.minutes(5, 25) if emergency else s.office_minutes(20, 240))
    s.record(s.app.arrive(s.case_id, actor=worker, at=s.now))
    if not emergency and in_home and s.chance(0.2):  # paid in-home work: quote first
        yield s.minutes(5, 20)
        amount = s.rng.choice(QUOTES)
        s.record(s.app.quote(s.case_id, actor=worker, amount=amount, at=s.now), "quote")
        yield s.minutes(5, 60)
        if s.chance(0.1):
            reason = f"resident declined the quote of {amount} yuan"
            s.record(s.app.cancel(s.case_id, actor=worker, reason=reason, at=s.now), "cancellation")
            return
        s.record(s.app.accept_quote(s.case_id, actor=worker, note="accepted on site", at=s.now))
    if s.chance(0.03 if emergency else 0.08):
        yield s.minutes(10, 40)
        s.record(s.app.hold(s.case_id, actor=worker, reason="waiting for parts", at=s.now), "hold")
        yield s.office_minutes(240, 1620)
        s.record(s.app.resume(s.case_id, actor=worker, note="parts arrived", at=s.now))
    yield s.minutes(30, 240) if emergency else s.office_minutes(20, 180)
    resolution = RESOLUTIONS[request.category]
    s.record(s.app.complete(s.case_id, actor=worker, resolution=resolution, at=s.now))
    yield from callbacks(s, _repair_rework)


def _repair_rework(s: Story) -> Script:
    request = s.arrival.request
    team, crew = crew_for(request.category, request.community)
    worker = s.pick(crew)
    yield s.office_minutes(10, 90)
    note = "rework after an unsatisfied callback"
    s.record(
        s.app.dispatch(s.case_id, actor=s.desk(), assignee=worker, team=team, note=note, at=s.now)
    )
    yield s.office_minutes(5, 45)
    s.record(s.app.sign(s.case_id, actor=worker, at=s.now))
    yield s.office_minutes(20, 240)
    s.record(s.app.arrive(s.case_id, actor=worker, at=s.now))
    yield s.office_minutes(20, 180)
    resolution = f"reworked: {RESOLUTIONS[request.category]}"
    s.record(s.app.complete(s.case_id, actor=worker, resolution=resolution, at=s.now))


# -- complaints (投诉) -------------------------------------------------------------


def complaint(s: Story) -> Script:
    """Settled at once by whoever took the call, or passed to the department concerned."""
    yield from _settled_or(s, SETTLED_COMPLAINTS, _complaint_rework, _complaint_handling)


def _complaint_handling(s: Story) -> Script:
    request = s.arrival.request
    major = request.priority == "major"
    department = DEPARTMENTS[request.category]
    yield s.minutes(3, 15) if major else s.office_minutes(5, 30)
    s.record(s.app.dispatch(s.case_id, actor=s.desk(), assignee=department, at=s.now))
    if s.chance(0.06):  # 无效投诉: ended with an explanation, never silently
        yield s.office_minutes(30, 300)
        reason, explanation = s.rng.choice(INVALID_COMPLAINTS)
        s.record(
            s.app.invalidate(
                s.case_id, actor=SUPERVISOR, reason=reason, explanation=explanation, at=s.now
            ),
            "invalid complaint",
        )
        return
    if s.chance(0.03):
        yield s.hours(1, 24)
        reason = "complainant withdrew the complaint"
        s.record(s.app.cancel(s.case_id, actor=s.desk(), reason=reason, at=s.now), "cancellation")
        return
    yield s.minutes(10, 60) if major else s.calling(s.hours(0.5, 8))
    promise = "within 4 hours" if major else "within one working day"
    message = f"passed to {department}; they will contact you {promise}"
    actor = SUPERVISOR if major else s.desk()  # a major complaint gets the supervisor's word
    s.record(s.app.reply(s.case_id, actor=actor, message=message, at=s.now))
    if s.chance(0.06):
        yield s.office_minutes(30, 240)
        reason = "waiting for the resident's photos and details"
        s.record(s.app.hold(s.case_id, actor=department, reason=reason, at=s.now), "hold")
        yield s.hours(12, 60)
        s.record(s.app.resume(s.case_id, actor=s.desk(), note="resident sent photos", at=s.now))
    yield from waiting(s, s.office_minutes(60, 480) if major else s.office_minutes(120, 1500))
    resolution = f"handled by {department}; the resident was told what was done"
    s.record(s.app.complete(s.case_id, actor=department, resolution=resolution, at=s.now))
    yield from callbacks(s, _complaint_rework)


def _complaint_rework(s: Story) -> Script:
    department = DEPARTMENTS[s.arrival.request.category]
    yield s.office_minutes(10, 90)
    note = "reopened after an unsatisfied callback"
    s.record(s.app.dispatch(s.case_id, actor=s.desk(), assignee=department, note=note, at=s.now))
    yield s.calling(s.hours(0.5, 4))
    message = f"sorry it is not solved yet; {department} will come back to you"
    s.record(s.app.reply(s.case_id, actor=s.desk(), message=message, at=s.now))
    yield s.office_minutes(120, 1500)
    resolution = f"handled again by {department}"
    s.record(s.app.complete(s.case_id, actor=department, resolution=resolution, at=s.now))
