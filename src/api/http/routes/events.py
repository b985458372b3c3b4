"""The event feed: every event in log order, without personal data or free text."""

from __future__ import annotations

from typing import Annotated, cast
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from api.http import models, views
from api.http.auth import RuntimeDep, requires
from api.http.problems import problem_responses
from api.http.runtime import Runtime
from api.http.strict_query import StrictRoute
from api.storage.tokens import Principal, Role
from workflow.events import CaseEvent, Received

router = APIRouter(prefix="/events", tags=["events"], route_class=StrictRoute)

READERS = (Role.ANALYST, Role.SUPERVISOR)


@router.get("", responses=problem_responses(401, 403, 422))
def feed(
    rt: RuntimeDep,
    who: Annotated[Principal, Depends(requires(*READERS, action="read the event feed"))],
    after: Annotated[int, Query(ge=0, le=2**62, description="the log position to start after")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> models.EventFeed:
    """Poll with `after` set to the previous answer's `next`. A token for some communities
    gets their events only; `next` still passes over the others."""
    notes = rt.service.recorder.select_notifications(
        start=after, limit=limit, inclusive_of_start=False
    )
    events = [(cast(CaseEvent, rt.service.mapper.to_domain_event(n)), n.id) for n in notes]
    if who.communities is not None:
        seen = communities_of(rt, {e.originator_id for e, _ in events})
        events = [(e, at) for e, at in events if who.sees(seen[e.originator_id])]
    return models.EventFeed(
        events=[views.feed_event(e, at) for e, at in events],
        next=notes[-1].id if notes else after,
    )


def communities_of(rt: Runtime, case_ids: set[UUID]) -> dict[UUID, str]:
    """Each case's community: from the case index, or, for a case the read models have not
    reached yet, from its first event."""
    found: dict[UUID, str] = {}
    if case_ids:
        marks = ", ".join("?" for _ in case_ids)
        rows = rt.store.query(
            f"SELECT case_id, community FROM rm_case_index WHERE case_id IN ({marks})",
            [str(c) for c in case_ids],
        )
        found = {UUID(str(r["case_id"])): str(r["community"]) for r in rows}
    for case_id in case_ids - found.keys():
        first = next(iter(rt.service.repository.event_store.get(case_id, lte=1)))
        found[case_id] = cast(Received, first).community
    return found
