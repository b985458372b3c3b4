"""The event feed: every event in log order, without personal data or free text."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Depends, Query

from api.http import models, views
from api.http.auth import RuntimeDep, requires
from api.http.problems import problem_responses
from api.http.strict_query import StrictRoute
from api.storage.tokens import Principal, Role
from workflow.events import CaseEvent

router = APIRouter(prefix="/events", tags=["events"], route_class=StrictRoute)

READERS = (Role.ANALYST, Role.SUPERVISOR)


@router.get("", responses=problem_responses(401, 403, 422))
def feed(
    rt: RuntimeDep,
    who: Annotated[Principal, Depends(requires(*READERS, action="read the event feed"))],
    after: Annotated[int, Query(ge=0, le=2**62, description="the log position to start after")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> models.EventFeed:
    """Poll with `after` set to the previous answer's `next`."""
    notes = rt.service.recorder.select_notifications(
        start=after, limit=limit, inclusive_of_start=False
    )
    events = [
        views.feed_event(cast(CaseEvent, rt.service.mapper.to_domain_event(n)), n.id) for n in notes
    ]
    return models.EventFeed(events=events, next=notes[-1].id if notes else after)
