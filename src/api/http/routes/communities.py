"""Communities: every token may list them; admins register them. The command line does
the same (`propdesk community`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from api.http.auth import RuntimeDep, requires
from api.http.community_models import CommunityIn, CommunityOut, PolicyIn
from api.http.problems import ApiProblem, problem_responses
from api.http.runtime import Runtime
from api.http.strict_query import StrictRoute
from api.http.views import local
from api.storage.communities import Community, CommunityError, CommunityExists
from api.storage.tokens import Principal, Role
from projections.calendar import SHANGHAI
from projections.community_policy import check_starting, community_policy
from projections.policy import PolicyError

router = APIRouter(prefix="/communities", tags=["communities"], route_class=StrictRoute)

Admin = Annotated[
    Principal, Depends(requires(Role.ADMIN, action="register communities", whole_company=True))
]
Anyone = Annotated[Principal, Depends(requires(*Role, action="list communities"))]


def _out(community: Community, rt: Runtime) -> CommunityOut:
    return CommunityOut(
        code=community.code,
        name=community.name,
        policy=community.policy_name or rt.policy.name,
        policy_from=community.policy_from.isoformat() if community.policy_from else None,
        policy_version=community.version if community.policy_name else 0,
        registered_at=local(datetime.fromisoformat(community.registered_at)),
    )


@router.get("", summary="The communities", responses=problem_responses(401, 403, 503))
def list_communities(rt: RuntimeDep, who: Anyone) -> list[CommunityOut]:
    """Every community, by code, with the policy its cases are judged under."""
    return [_out(c, rt) for c in rt.communities.communities() if who.sees(c.code)]


@router.post(
    "",
    status_code=201,
    summary="Register a community",
    responses=problem_responses(400, 401, 403, 409, 413, 415, 422, 503),
)
def register_community(body: CommunityIn, rt: RuntimeDep, who: Admin) -> CommunityOut:
    """Its cases are judged under the deployment's policy (none per community yet)."""
    try:
        added = rt.communities.register(body.code, body.name, by=who.name)
    except CommunityError as error:
        raise ApiProblem(422, "invalid-input", "Invalid input", str(error)) from None
    except CommunityExists as error:
        raise ApiProblem(409, "community-exists", "Community exists", str(error)) from None
    return _out(added, rt)


@router.post(
    "/{code}/policy",
    summary="Judge a community's milestones under its own policy from a day on",
    responses=problem_responses(400, 401, 403, 404, 413, 415, 422, 503),
)
def set_policy(
    code: Annotated[str, Path(max_length=40, description="the community's code")],
    body: PolicyIn,
    rt: RuntimeDep,
    who: Admin,
) -> CommunityOut:
    """Milestones that start on or after `from` are judged under it; those that started
    before keep the policy in force when they started: nothing is re-scored."""
    if code not in rt.communities.refresh():
        raise ApiProblem(404, "not-found", "Not found", f"no community {code[:40]!r}")
    now = datetime.now(UTC)
    try:
        own = community_policy(body.policy, "body.policy", rt.config.settings.policy)
        check_starting(body.starting, now.astimezone(SHANGHAI).date())
        changed = rt.communities.set_policy(
            code, own, body.policy, body.starting, by=who.name, at=now
        )
    except (PolicyError, CommunityError) as error:
        raise ApiProblem(422, "invalid-input", "Invalid input", str(error)) from None
    rt.forget_policy()
    return _out(changed, rt)
