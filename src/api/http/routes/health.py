"""Health: no token needed; says how far the log and the read models have got, and on
PostgreSQL whether each role (the follower's) is held."""

from __future__ import annotations

from fastapi import APIRouter

from api.http import models
from api.http.auth import RuntimeDep
from api.http.problems import problem_responses
from api.http.strict_query import StrictRoute

router = APIRouter(tags=["health"], route_class=StrictRoute)


@router.get("/health", responses=problem_responses())
def health(rt: RuntimeDep) -> models.Health:
    return models.Health(
        status="ok",
        log_position=rt.head(),
        read_models_position=rt.store.position(),
        follower=rt.follower is not None,
        roles=rt.roles.held() if rt.roles is not None else None,
    )
