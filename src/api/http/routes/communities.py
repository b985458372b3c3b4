"""Communities: every token may list them; admins register them. The command line does
the same (`propdesk community`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends

from api.http import models
from api.http.auth import RuntimeDep, requires
from api.http.problems import ApiProblem, problem_responses
from api.http.runtime import Runtime
from api.http.strict_query import StrictRoute
from api.http.views import local
from api.storage.communities import Community, CommunityError, CommunityExists
from api.storage.tokens import Principal, Role

router = APIRouter(prefix="/communities", tags=["communities"], route_class=StrictRoute)

Admin = Annotated[
    Principal, Depends(requires(Role.ADMIN, action="register communities", whole_company=True))
]
Anyone = Annotated[Principal, Depends(requires(*Role, action="list communities"))]


def _out(community: Community, rt: Runtime) -> models.CommunityOut:
    return models.CommunityOut(
        code=community.code,
        name=community.name,
        policy=community.policy_name or rt.policy.name,
        policy_from=community.policy_from.isoformat() if community.policy_from else None,
        registered_at=local(datetime.fromisoformat(community.registered_at)),
    )


@router.get("", summary="The communities", responses=problem_responses(401, 403, 503))
def list_communities(rt: RuntimeDep, who: Anyone) -> list[models.CommunityOut]:
    """Every community, by code, with the policy its cases are judged under."""
    return [_out(c, rt) for c in rt.communities.communities() if who.sees(c.code)]


@router.post(
    "",
    status_code=201,
    summary="Register a community",
    responses=problem_responses(400, 401, 403, 409, 413, 415, 422, 503),
)
def register_community(body: models.CommunityIn, rt: RuntimeDep, who: Admin) -> models.CommunityOut:
    """Its cases are judged under the deployment's policy (none per community yet)."""
    try:
        added = rt.communities.register(body.code, body.name, by=who.name)
    except CommunityError as error:
        raise ApiProblem(422, "invalid-input", "Invalid input", str(error)) from None
    except CommunityExists as error:
        raise ApiProblem(409, "community-exists", "Community exists", str(error)) from None
    return _out(added, rt)
