"""How a renovation application (装修申报) unfolds: review, works, acceptance, refund."""

from __future__ import annotations

from collections.abc import Generator
from datetime import UTC, date, datetime, time, timedelta

from api.simulation.catalogue import (
    ACCEPTANCE_FAILURES,
    MISSING_MATERIALS,
    REJECTIONS,
    VIOLATIONS,
)
from api.simulation.clock import SHANGHAI, local
from api.simulation.flows import callbacks
from api.simulation.story import Script, Story
from api.simulation.world import FINANCE, INSPECTORS, REVIEWER, crew_for

DEPOSITS = {"full": 3000, "partial": 2000, "minor": 1000}  # 装修押金, yuan
FEES = {"full": 800, "partial": 400, "minor": 150}  # management fee for the works
WITHHELD_PER_VIOLATION = 300
WORKING_DAY = 9 * 60  # minutes of office time


def renovation(s: Story) -> Script:
    request = s.arrival.request
    approved = yield from _review(s)
    if not approved:
        return
    start = max(_morning(request.details["planned_start"]), s.hours(20, 30))
    end = max(_morning(request.details["planned_end"]), start + timedelta(days=1))
    violations = yield from _works(s, start, end)
    failed = False
    while True:
        yield s.office_minutes(0, 240, after=end)
        note = "owner asked for final acceptance"
        s.record(s.app.request_acceptance(s.case_id, actor=s.desk(), note=note, at=s.now))
        yield s.office_minutes(60, WORKING_DAY)
        if failed or not s.chance(0.15):
            break
        failed = True  # a second attempt passes: the owner fixed what was found
        reasons = s.rng.choice(ACCEPTANCE_FAILURES)
        s.record(
            s.app.fail_acceptance(s.case_id, actor=REVIEWER, reasons=reasons, at=s.now),
            "failed acceptance",
        )
        end = s.hours(48, 120)
        violations += yield from _works(s, s.now, end)
    s.record(s.app.pass_acceptance(s.case_id, actor=REVIEWER, at=s.now))
    yield s.office_minutes(WORKING_DAY, 4 * WORKING_DAY)
    deposit = DEPOSITS[request.category]
    withheld = min(deposit, violations * WITHHELD_PER_VIOLATION)
    why = f"{violations} violation notice(s) during the works" if withheld else None
    s.record(
        s.app.refund_deposit(
            s.case_id,
            actor=FINANCE,
            refunded=deposit - withheld,
            withheld=withheld,
            reason=why,
            at=s.now,
        )
    )
    yield from callbacks(s, _rework)


def _review(s: Story) -> Generator[datetime, None, bool]:
    """Review of the application; True when approved (the permit is issued)."""
    category = s.arrival.request.category
    yield s.office_minutes(10, 120)
    team = "renovation review"
    s.record(s.app.dispatch(s.case_id, actor=s.desk(), assignee=REVIEWER, team=team, at=s.now))
    if s.chance(0.25):  # materials missing: the review clock pauses
        yield s.office_minutes(30, 300)
        reason = s.rng.choice(MISSING_MATERIALS)
        s.record(s.app.hold(s.case_id, actor=REVIEWER, reason=reason, at=s.now), "hold")
        if s.chance(0.1):
            yield s.office_minutes(5 * WORKING_DAY, 8 * WORKING_DAY)
            reasons = "the missing materials were never supplied"
            s.record(
                s.app.reject(s.case_id, actor=REVIEWER, reasons=reasons, at=s.now), "rejection"
            )
            return False
        yield s.office_minutes(WORKING_DAY, 4 * WORKING_DAY)
        note = "owner brought the missing materials to the desk"
        s.record(s.app.resume(s.case_id, actor=s.desk(), note=note, at=s.now))
    if s.chance(0.03):
        yield s.hours(4, 48)
        reason = "owner postponed the works"
        s.record(s.app.cancel(s.case_id, actor=s.desk(), reason=reason, at=s.now), "cancellation")
        return False
    yield s.office_minutes(60, 3 * WORKING_DAY)
    if s.chance(0.08):
        reasons = s.rng.choice(REJECTIONS)
        s.record(s.app.reject(s.case_id, actor=REVIEWER, reasons=reasons, at=s.now), "rejection")
        return False
    s.record(
        s.app.approve(
            s.case_id,
            actor=REVIEWER,
            permit_no=f"ZX{local(s.now):%Y%m%d}-{s.arrival.number:05d}",
            deposit=DEPOSITS[category],
            fee=FEES[category],
            at=s.now,
        )
    )
    return True


def _morning(planned: str) -> datetime:
    return datetime.combine(date.fromisoformat(planned), time(8), SHANGHAI).astimezone(UTC)


def _works(s: Story, start: datetime, end: datetime) -> Generator[datetime, None, int]:
    """Inspections (巡查) every few days while the works last; returns the violations found."""
    violations = 0
    moment = start + timedelta(days=s.rng.randint(1, 3))
    while moment < end:
        yield s.office_minutes(30, 420, after=moment)
        violation = s.rng.choice(VIOLATIONS) if s.chance(0.12) else None
        findings = f"works in progress; {violation}" if violation else "works in order"
        s.record(
            s.app.inspect(
                s.case_id,
                actor=s.pick(INSPECTORS),
                findings=findings,
                violation=violation,
                at=s.now,
            ),
            *(("violation",) if violation else ()),
        )
        if violation:
            violations += 1
        moment = s.now + timedelta(days=s.rng.randint(2, 4))
    return violations


def _rework(s: Story) -> Script:
    worker = s.pick(crew_for("plumbing", s.arrival.request.community)[1])
    yield s.office_minutes(30, 240)
    note = "rework after an unsatisfied callback"
    s.record(
        s.app.dispatch(
            s.case_id, actor=s.desk(), assignee=worker, team="engineering", note=note, at=s.now
        )
    )
    yield s.office_minutes(4 * 60, 3 * WORKING_DAY)
    resolution = "fixed what the owner reported after the works"
    s.record(s.app.complete(s.case_id, actor=worker, resolution=resolution, at=s.now))
