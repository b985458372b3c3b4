"""The route of `POST /requests`: declared as FastAPI would document it, served directly."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from api.http import models, views
from api.http.answers import WRITE_HEADERS, case_headers, case_view
from api.http.auth import INTAKE, requires
from api.http.intake.direct_route import DirectRoute
from api.http.intake.receivers import check_receiver
from api.http.intake.request import (
    BODY_SCHEMA,
    KEY_PARAMETER,
    idempotency_key,
    new_request,
    new_request_body,
)
from api.http.problems import problem_responses
from api.http.reading import visible_reporter
from api.http.runtime import Runtime
from api.http.scopes import check_in_scope
from api.storage.tokens import Principal
from workflow.service import Recorded

RECEIVERS = requires(*INTAKE, action="create requests")

# What the route answers, as any FastAPI route declares it.
DECLARATION: dict[str, Any] = {
    "status_code": 201,
    "summary": "Record a new request",
    "response_model": models.Case,
    "response_description": "the new case",
    "responses": {
        201: {"headers": {**WRITE_HEADERS, "Location": {"schema": {"type": "string"}}}},
        200: {"model": models.Case, "description": "a repeat: the case the key already made"},
        **problem_responses(400, 401, 403, 413, 415, 422),
    },
}

# What it reads, documented by hand: the route reads its body, key and token itself.
READS: dict[str, Any] = {
    "parameters": [KEY_PARAMETER],
    "requestBody": {
        "content": {"application/json": {"schema": {"$ref": BODY_SCHEMA}}},
        "required": True,
    },
    "security": [{"HTTPBearer": []}],
}


async def create_request(raw: Request) -> Response:
    """A channel token must send an Idempotency-Key, and names who received the request or
    no one (self-service: received unowned); a staff token receives it itself."""
    # The token, the body, the key and the runtime are taken from the request, not declared
    # as parameters: on the busiest route, FastAPI's handling of each cost more per request
    # than the work itself (docs/benchmarks.md).
    # The token is checked first, so a caller without one learns nothing about its body.
    rt: Runtime = raw.app.state.runtime
    who = await RECEIVERS(raw)
    request = new_request(await new_request_body(raw), who, idempotency_key(raw))
    await check_receiver(rt, who, request)
    # Saved by the intake writer, together with the requests arriving beside it.
    recorded = await rt.intake.record(request, who.name, rt.backdating[who.role])
    if recorded.created:
        # A new case's history is the events just recorded, its reporter the one just sent:
        # the answer needs no reading back.
        case = views.case_body(
            recorded.case,
            recorded.events,
            rt.policy,
            rt.calendar,
            reporter=visible_reporter(who, request.reporter),
            number=rt.intake.number_for(recorded.case.id)
            or await run_in_threadpool(rt.numbers.number_of, recorded.case.id),
        )
        position = recorded.position
    else:
        case, position = await run_in_threadpool(_repeated, rt, who, recorded)
    # Serialised here: the body is a models.Case just built, so FastAPI's check and
    # conversion of a returned model would only repeat the work.
    response = Response(
        case.model_dump_json(),
        status_code=201 if recorded.created else 200,
        media_type="application/json",
        headers={"Location": f"/requests/{case.id}"},
    )
    case_headers(response, case, position)
    return response


def _repeated(rt: Runtime, who: Principal, recorded: Recorded) -> tuple[models.Case, int]:
    """The case a repeated key made, and the head of the log (the repeat wrote nothing).
    A token whose name was given a narrower scope since does not see it."""
    check_in_scope(who, recorded.case)
    return case_view(rt, who, recorded.case.id), rt.head()


def add_intake_route(router: APIRouter) -> None:
    """`POST` at the router's own path (`/requests`)."""
    router.add_api_route(
        "",
        create_request,
        methods=["POST"],
        route_class_override=DirectRoute,
        openapi_extra=READS,
        **DECLARATION,
    )
