"""Why each milestone of a case met or breached its target (GET /requests/{id}/sla)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends

from api.http.auth import CASE_READERS, RuntimeDep, requires
from api.http.problems import problem_responses
from api.http.reading import AsOf, CaseId, check_can_read, load
from api.http.sla_explanation import SlaExplanation, explanation_body
from api.http.strict_query import StrictRoute
from api.storage.tokens import Principal

router = APIRouter(prefix="/requests", tags=["requests"], route_class=StrictRoute)


@router.get(
    "/{case_id}/sla",
    summary="Why each milestone met or breached its target, now or as it stood at a moment",
    responses=problem_responses(401, 403, 404, 422),
)
def get_sla_explanation(
    case_id: CaseId,
    rt: RuntimeDep,
    who: Annotated[Principal, Depends(requires(*CASE_READERS, action="read cases"))],
    as_of: AsOf = None,
) -> SlaExplanation:
    """Each milestone's start and stop events, its clock, the minutes counted day by day
    with the reason for every part left out (night, weekend, a named public holiday; a
    make-up working day is counted), the holds subtracted, target, policy and verdict.
    Read as the case itself is: the same roles, the same cases."""
    loaded = load(rt, case_id, as_of)
    check_can_read(rt, who, loaded, as_of)
    return explanation_body(
        loaded.case.id,
        rt.numbers.number_of(loaded.case.id),
        loaded.events,
        rt.policy,
        rt.calendar,
        as_of or datetime.now(UTC),
    )
