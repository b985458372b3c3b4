"""Domain objects to response bodies.

A case's milestones are evaluated from its own events with the read side's code
(`open_case_file`, `evolve`, `judge`), at the moment asked about: always the
case's current version, with no wait for the read models, and right for `as_of`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID

from api.http import models
from projections.calendar import SHANGHAI, BusinessCalendar
from projections.casefile import CaseFile, evolve, open_case_file
from projections.facts import fact_of
from projections.milestones import MilestoneClock, judge
from projections.policy import Policy
from workflow import labels
from workflow.case import Case
from workflow.communities import community_code
from workflow.errors import InvalidInput
from workflow.events import CaseEvent
from workflow.history import HistoryEntry, entry_of

HIDDEN = frozenset({"reporter_ref", "fingerprint"})  # never in a response


def local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


def milestones(
    case: CaseFile, policy: Policy, calendar: BusinessCalendar, moment: datetime
) -> list[models.Milestone]:
    found = []
    for spec in case.specs(policy):
        clock = case.milestones.get(spec.name) or MilestoneClock(spec.name)
        judged = judge(spec, clock, moment, calendar)
        status = judged.status
        if status == "pending" and clock.held_since is not None:
            status = "paused"
        found.append(
            models.Milestone(
                name=spec.name,
                status=status,  # type: ignore[arg-type]  # judge's statuses are a subset
                due_at=_local(judged.due_at),
                target=spec.target,
                clock=spec.clock,  # type: ignore[arg-type]  # the policy allows these two
                started_at=_local(clock.started_at),
                stopped_at=_local(clock.stopped_at),
            )
        )
    return found


def case_file(events: Sequence[CaseEvent], policy: Policy, calendar: BusinessCalendar) -> CaseFile:
    """The read side's record of the case, evolved from its events."""
    facts = [fact_of(event, 0) for event in events]
    case = open_case_file(facts[0], policy)
    for fact in facts[1:]:
        evolve(case, fact, policy, calendar)
    return case


def case_body(
    case: Case,
    events: Sequence[CaseEvent],
    policy: Policy,
    calendar: BusinessCalendar,
    *,
    moment: datetime | None = None,
    reporter: models.Reporter | None = None,
    number: str | None = None,
) -> models.Case:
    when = moment or datetime.now(UTC)
    return models.Case(
        id=case.id,
        number=number,
        kind=case.kind,
        state=case.state,
        version=case.version,
        community=case.community,
        category=case.category,
        priority=case.priority,
        location=case.location,
        channel=case.channel,
        first_contact_owner=case.owner,
        received_by=case.received_by,
        assignee=case.assignee,
        received_at=local(case.received_at),
        milestones=milestones(case_file(events, policy, calendar), policy, calendar, when),
        area=case.area,
        description=case.description,
        details=dict(case.details),
        team=case.team,
        hold_reason=case.hold_reason,
        last_occurred_at=local(case.last_occurred_at),
        allowed_commands=[c.replace("_", "-") for c in case.allowed_commands()],
        quoted_amount=_money(case.quoted_amount),
        quote_accepted=case.quote_accepted,
        resolution=case.resolution,
        callbacks=list(case.callbacks),
        handovers=case.handovers,
        claimed_by=case.claimed_by,
        claimed_at=_local(case.claimed_at),
        urges=case.urges,
        permit_no=case.permit_no,
        deposit=_money(case.deposit),
        fee=_money(case.fee),
        inspections=case.inspections,
        violations=list(case.violations),
        refunded=_money(case.refunded),
        withheld=_money(case.withheld),
        end_reason=case.end_reason,
        ended_at=_local(case.ended_at),
        reporter=reporter,
        reporter_erased_at=_local(case.reporter_erased_at),
    )


def history_event(entry: HistoryEntry, position: int | None) -> models.HistoryEvent:
    return models.HistoryEvent(
        position=position,
        version=entry.version,
        type=entry.type,
        occurred_at=local(entry.occurred_at),
        recorded_at=local(entry.recorded_at),
        actor=entry.actor,
        note=entry.note,
        late=entry.late,
        late_reason=entry.late_reason,
        data={k: plain(v) for k, v in entry.data.items() if k not in HIDDEN},
    )


# Structured fields the event feed carries; free text (descriptions, notes, reasons,
# comments, findings, details) may hold personal data, so the feed leaves it out.
FEED_FIELDS = frozenset(
    {
        "community", "kind", "channel", "location", "area", "category", "priority", "received_by",
        "assignee", "team", "amount", "outcome", "previous_owner", "to", "permit_no",
        "deposit", "fee", "refunded", "withheld", "previous_location", "previous_category",
    }
)  # fmt: skip


# The feed's texts, each kept to its rule since the rules were made. A value recorded
# before (a location with a resident's phone number in it) is withheld, never shown.
LABELLED: dict[str, Callable[[object], object]] = {
    "community": community_code,
    "location": labels.location,
    "previous_location": labels.location,
    "team": labels.team,
    "permit_no": labels.permit_no,
    **{
        k: partial(labels.name, k)
        for k in ("actor", "received_by", "assignee", "previous_owner", "to")
    },
}
WITHHELD = "(withheld)"  # no name, location or permit number can start with '('


def _shown(value: Any, rule: Callable[[object], object]) -> Any:
    if value is None:  # nothing recorded (no receiver: a self-service request) hides nothing
        return None
    try:
        rule(value)
    except InvalidInput:
        return WITHHELD
    return value


def feed_event(event: CaseEvent, position: int) -> models.FeedEvent:
    entry = entry_of(event)
    data = {k: plain(v) for k, v in entry.data.items() if k in FEED_FIELDS}
    return models.FeedEvent(
        position=position,
        case_id=UUID(str(event.originator_id)),
        version=entry.version,
        type=entry.type,
        occurred_at=local(entry.occurred_at),
        recorded_at=local(entry.recorded_at),
        actor=_shown(entry.actor, LABELLED["actor"]),
        late=entry.late,
        data={k: _shown(v, LABELLED[k]) if k in LABELLED else v for k, v in data.items()},
    )


def plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return local(value).isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _local(moment: datetime | None) -> datetime | None:
    return None if moment is None else local(moment)


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)
