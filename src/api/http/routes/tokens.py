"""Tokens, for admin tokens: issue, list, revoke. The CLI does the same (`propdesk token`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from api.http import models
from api.http.auth import RuntimeDep, requires
from api.http.problems import ApiProblem, problem_responses
from api.http.strict_query import StrictRoute
from api.storage.tokens import Principal, Role, ScopeError, TokenError, scope_to_issue

router = APIRouter(prefix="/tokens", tags=["tokens"], route_class=StrictRoute)

Admin = Annotated[
    Principal, Depends(requires(Role.ADMIN, action="manage tokens", whole_company=True))
]


@router.get("", responses=problem_responses(401, 403))
def list_tokens(rt: RuntimeDep, who: Admin) -> list[models.TokenInfo]:
    return [
        models.TokenInfo(
            name=r.name,
            role=r.role.value,
            communities=list(r.communities) if r.communities is not None else None,
            created_at=r.created_at,
            revoked_at=r.revoked_at,
        )
        for r in rt.tokens.records()
    ]


@router.post("", status_code=201, responses=problem_responses(400, 401, 403, 409, 413, 415, 422))
def issue_token(body: models.TokenIn, rt: RuntimeDep, who: Admin) -> models.IssuedToken:
    """The token is in this answer only; store it where the client keeps secrets."""
    try:
        scope = scope_to_issue(body.communities, body.all_communities, rt.communities.refresh())
    except ScopeError as error:
        raise ApiProblem(422, "invalid-input", "Invalid input", f"body: {error}") from None
    try:
        token = rt.tokens.issue(body.name, body.role, scope)
    except TokenError as error:
        raise ApiProblem(409, "token-exists", "Token exists", str(error)) from None
    record = next(r for r in rt.tokens.records() if r.name == body.name)
    return models.IssuedToken(
        name=record.name,
        role=record.role.value,
        communities=list(record.communities) if record.communities is not None else None,
        created_at=record.created_at,
        revoked_at=None,
        token=token,
    )


@router.delete("/{name}", status_code=204, responses=problem_responses(401, 403, 404))
def revoke_token(
    name: Annotated[str, Path(description="the token's name")], rt: RuntimeDep, who: Admin
) -> Response:
    if not rt.tokens.revoke(name):
        raise ApiProblem(404, "not-found", "Not found", f"no token named {name!r} to revoke")
    return Response(status_code=204)
