"""Requests (cases): intake, one case, its history, and finding cases."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from api.http import listing, models, searching, views
from api.http.answers import CASE_HEADERS, case_headers
from api.http.auth import CASE_READERS, RuntimeDep, requires
from api.http.fields import CommunityCode, PlainText
from api.http.intake.route import add_intake_route
from api.http.problems import problem_responses
from api.http.reading import (
    AsOf,
    CaseId,
    MinPosition,
    await_position,
    await_the_head,
    check_can_read,
    load,
    reporter_for,
)
from api.http.runtime import Runtime
from api.http.scopes import check_in_scope, communities_for
from api.http.strict_query import StrictRoute
from api.storage.tokens import Principal, Role
from workflow.lifecycles import LIFECYCLES
from workflow.vocabulary import Kind

router = APIRouter(prefix="/requests", tags=["requests"], route_class=StrictRoute)

State = StrEnum(  # type: ignore[misc]  # every state of every kind, for the `state` filter
    "State", {s: s for s in dict.fromkeys(s for lc in LIFECYCLES.values() for s in lc.states)}
)


add_intake_route(router)


@router.get(
    "",
    summary="Find cases",
    responses=problem_responses(401, 403, 422, 503),
)
def find_requests(
    rt: RuntimeDep,
    who: Annotated[Principal, Depends(requires(*CASE_READERS, action="read cases"))],
    state: Annotated[State | None, Query()] = None,
    kind: Annotated[Kind | None, Query()] = None,
    owner: Annotated[PlainText | None, Query(max_length=200, description="首问人")] = None,
    assignee: Annotated[PlainText | None, Query(max_length=200)] = None,
    location: Annotated[PlainText | None, Query(max_length=100)] = None,
    location_prefix: Annotated[
        PlainText | None,
        Query(
            min_length=1,
            max_length=100,
            description="this location or any unit under it: `3-2` finds 3-2-101 and "
            "3-2-1201 (building 3, entrance 2), never 3-20-101",
        ),
    ] = None,
    community: Annotated[
        list[CommunityCode] | None,
        Query(max_length=100, description="repeatable: cases of any of these communities"),
    ] = None,
    number: Annotated[
        PlainText | None,
        Query(max_length=40, description="工单号, e.g. BX-20261206-0042: that case alone"),
    ] = None,
    overdue: Annotated[
        bool | None, Query(description="open with a milestone past its target")
    ] = None,
    phone: searching.Phone = None,
    text: searching.Text = None,
    unclaimed: Annotated[
        bool | None,
        Query(
            description="true: the unclaimed queue, open cases received unowned (self-service "
            "requests) that no staff member has claimed yet, whose `first_contact_owner` is "
            "null; false: every other case"
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[PlainText | None, Query(max_length=200)] = None,
    min_position: MinPosition = None,
) -> models.CasePage:
    """From the case index read model, newest first. A channel token finds the cases it
    created; a worker token the cases assigned to it. Only agents and supervisors may find
    cases by the reporter's phone number."""
    if phone is not None:
        searching.check_may_search_by_phone(who)
    words = searching.words_of(text) if text is not None else ()
    await_position(rt, min_position)
    if who.role is Role.WORKER:
        if assignee not in (None, who.name):
            return models.CasePage(items=[], next_cursor=None)
        assignee = who.name
    numbered = None
    if number is not None:
        numbered = rt.numbers.case_of(number)
        if numbered is None:
            return models.CasePage(items=[], next_cursor=None)
    refs = None
    if phone is not None:
        refs = searching.reporter_refs(rt, phone)
        if not refs:
            return models.CasePage(items=[], next_cursor=None)
    filters = listing.Filters(
        state=state.value if state else None,
        kind=kind.value if kind else None,
        owner=owner,
        assignee=assignee,
        location=location,
        location_prefix=location_prefix,
        overdue=overdue,
        unclaimed=unclaimed,
        communities=communities_for(who, community),
        case_id=numbered,
        created_by=who.name if who.role is Role.CHANNEL else None,
        reporter_refs=refs,
        words=words,
    )
    return listing.find(
        rt.store, rt.policy, rt.calendar, filters, limit, cursor, rt.numbers.numbers_of
    )


@router.get(
    "/{case_id}",
    summary="One case, now or as it stood at a moment",
    responses={200: {"headers": CASE_HEADERS}, **problem_responses(401, 403, 404, 422)},
)
def get_request(
    case_id: CaseId,
    response: Response,
    rt: RuntimeDep,
    who: Annotated[Principal, Depends(requires(*CASE_READERS, action="read cases"))],
    as_of: AsOf = None,
) -> models.Case:
    loaded = load(rt, case_id, as_of)
    check_can_read(rt, who, loaded, as_of)
    case = views.case_body(
        loaded.case,
        loaded.events,
        rt.policy,
        rt.calendar,
        moment=as_of,
        reporter=reporter_for(rt, who, loaded.case),
        number=rt.numbers.number_of(loaded.case.id),
    )
    case_headers(response, case)
    return case


@router.get(
    "/{case_id}/history",
    summary="Every event of a case",
    responses=problem_responses(401, 403, 404, 422, 503),
)
def get_history(
    case_id: CaseId,
    rt: RuntimeDep,
    who: Annotated[Principal, Depends(requires(Role.SUPERVISOR, action="read case histories"))],
    min_position: MinPosition = None,
) -> models.History:
    """Oldest first. Positions come from the timeline read model; one it has not reached
    yet is null after a bounded wait."""
    await_position(rt, min_position)
    check_in_scope(who, rt.service.get(case_id))
    entries = rt.service.history(case_id)
    positions = _positions(rt, str(case_id))
    if len(positions) < len(entries):
        # Answer with the positions known after a bounded wait; the events are complete.
        await_the_head(rt)
        positions = _positions(rt, str(case_id))
    return models.History(
        case_id=case_id,
        number=rt.numbers.number_of(case_id),
        events=[views.history_event(e, positions.get(e.version)) for e in entries],
    )


def _positions(rt: Runtime, case_id: str) -> dict[int, int]:
    rows = rt.store.query("SELECT version, position FROM rm_timeline WHERE case_id = ?", (case_id,))
    return {int(r["version"]): int(r["position"]) for r in rows}
