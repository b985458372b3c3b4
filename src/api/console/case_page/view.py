"""Everything the case page shows, from the case as the API loads it (`reading.load`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar, cast

from api.console.case_page.chain import FirstContact, first_contact
from api.console.case_page.milestone_rows import MilestoneRow, milestone_rows
from api.console.case_page.replay import replayed
from api.console.case_page.reporter import ReporterShown, reporter_shown
from api.console.case_page.steps import Step, steps
from api.console.case_page.timeline import TimelineEntry, timeline
from api.console.case_page.versions import Tick, ticks
from api.console.navigation import REVEALS
from api.http.reading import Loaded
from api.http.runtime import Runtime
from api.storage.tokens import Principal
from projections.explanation import EVENT_TOPICS, Explanation, explain
from projections.facts import fact_of
from projections.notices.kinds import Notice
from workflow.case import Case
from workflow.events import CaseEvent


@dataclass(frozen=True)
class CaseView:
    case: Case
    number: str | None
    community_name: str | None
    reporter: ReporterShown
    may_reveal: bool
    timeline: list[TimelineEntry]
    steps: list[Step]
    milestones: list[MilestoneRow]
    explanations: list[Explanation]  # why each milestone met or breached (GET .../sla's)
    # An explanation names events by class, the console's labels them by topic.
    event_topics: ClassVar[dict[str, str]] = EVENT_TOPICS
    chain: FirstContact
    notices: list[Notice]  # the notices sent for the case, oldest first
    ticks: list[Tick]  # every recorded event of the case, also those after an as-of instant
    moment: datetime  # the instant milestones and ongoing steps are measured up to

    @property
    def case_id(self) -> str:
        return str(self.case.id)


def may_reveal(who: Principal) -> bool:
    return who.role in REVEALS


def case_view(
    rt: Runtime,
    who: Principal,
    loaded: Loaded,
    as_of: datetime | None,
    *,
    reporter: ReporterShown | None = None,
) -> CaseView:
    """`reporter`: the reporter as shown, when revealed (the caller logged it); masked
    otherwise."""
    case = loaded.case
    moment = as_of or datetime.now(UTC)
    versions = replayed(loaded.events)
    every = loaded.events if as_of is None else _every_event(rt, case)
    names = {c.code: c.name for c in rt.communities.communities()}
    return CaseView(
        case=case,
        number=rt.numbers.number_of(case.id),
        community_name=names.get(case.community),
        reporter=reporter or reporter_shown(rt.service.reporters, case, revealed=False),
        may_reveal=may_reveal(who),
        timeline=timeline(versions),
        steps=steps(versions, rt.calendar, moment),
        milestones=milestone_rows(loaded.events, rt.policy, rt.calendar, moment),
        explanations=explain(
            [fact_of(e, 0) for e in loaded.events], rt.policy, rt.calendar, moment
        ),
        chain=first_contact(versions),
        notices=_notices(rt, case, as_of),
        ticks=ticks(every),
        moment=moment,
    )


def _every_event(rt: Runtime, case: Case) -> list[CaseEvent]:
    return [cast(CaseEvent, e) for e in rt.service.repository.event_store.get(case.id)]


def _notices(rt: Runtime, case: Case, as_of: datetime | None) -> list[Notice]:
    """The notices sent for the case; in a past view, those sent by then."""
    sent = rt.notices.notices_for_case(str(case.id))
    return sent if as_of is None else [n for n in sent if n.emitted_at <= as_of]
