"""`POST /requests` reads its own token, body and key, yet keeps the contract a plain FastAPI
declaration of the same route would give: the same OpenAPI operation, and answers that
match the declared statuses, models and headers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Response
from pydantic import BaseModel

from api.http.app import create_app
from api.http.bodies import NewRequestIn
from api.http.intake.request import KEY_HEADER, KEY_PARAMETER, KEY_PATTERN
from api.http.intake.route import DECLARATION, RECEIVERS, create_request
from api.http.models import Case
from api.http.problems import Problem
from api.http.strict_query import StrictRoute
from api.storage.tokens import Principal
from support.api_client import Api
from support.request_bodies import REPAIR

MODELS: dict[str, type[BaseModel]] = {"Case": Case, "Problem": Problem}


def operation(app: FastAPI) -> dict[str, Any]:
    found: dict[str, Any] = app.openapi()["paths"]["/requests"]["post"]
    return found


def plainly_declared() -> dict[str, Any]:
    """The operation FastAPI documents for the route declared with ordinary parameters."""

    async def plain(
        body: NewRequestIn,
        who: Annotated[Principal, Depends(RECEIVERS)],
        idempotency_key: Annotated[
            str | None,
            Header(
                alias=KEY_HEADER,
                pattern=KEY_PATTERN,
                description=KEY_PARAMETER["description"],
                examples=KEY_PARAMETER["schema"]["examples"],
            ),
        ] = None,
    ) -> Response:
        raise NotImplementedError  # documented only

    plain.__name__, plain.__doc__ = create_request.__name__, create_request.__doc__
    router = APIRouter(prefix="/requests", tags=["requests"], route_class=StrictRoute)
    router.add_api_route("", plain, methods=["POST"], **DECLARATION)
    app = FastAPI()
    app.include_router(router)
    return operation(app)


def test_the_intake_operation_is_what_a_plain_fastapi_declaration_documents() -> None:
    assert operation(create_app()) == plainly_declared()


def answers(api: Api) -> dict[str, Any]:
    """One answer of each status the route declares, by the request that gets it."""
    channel = api.auth("hotline", "channel")
    api.auth("desk-li", "agent")  # a receiver a channel names is a known agent
    keyed = {**channel, KEY_HEADER: "contract-1"}
    body = {**REPAIR, "received_by": "desk-li"}
    post = api.client.post
    return {
        "a new request": post("/requests", json=body, headers=keyed),
        "its repeat": post("/requests", json=body, headers=keyed),
        "a channel without a key": post("/requests", json=body, headers=channel),
        "no token": post("/requests", json=REPAIR),
        "a role that may not": post("/requests", json=REPAIR, headers=api.analyst),
        "a body over the limit": post(
            "/requests", json={**REPAIR, "description": "x" * 70_000}, headers=api.agent
        ),
        "a body that is not JSON": post(
            "/requests", content=b"kind=repair", headers={**api.agent, "Content-Type": "text/plain"}
        ),
        "an invalid field": post("/requests", json={**REPAIR, "kind": "flat"}, headers=api.agent),
        "a malformed key": post("/requests", json=REPAIR, headers={**api.agent, KEY_HEADER: "a b"}),
    }


def test_each_intake_answer_has_a_declared_status_model_and_headers(api: Api) -> None:
    declared = operation(api.client.app)["responses"]  # type: ignore[arg-type]
    got = answers(api)
    statuses = {why: answer.status_code for why, answer in got.items()}
    assert statuses == {
        "a new request": 201,
        "its repeat": 200,
        "a channel without a key": 400,
        "no token": 401,
        "a role that may not": 403,
        "a body over the limit": 413,
        "a body that is not JSON": 415,
        "an invalid field": 422,
        "a malformed key": 422,
    }
    for why, answer in got.items():
        documented = declared[str(answer.status_code)]
        [(media_type, content)] = documented["content"].items()
        assert answer.headers["content-type"] == media_type, why
        model = MODELS[content["schema"]["$ref"].rsplit("/", 1)[-1]]
        parsed = model.model_validate_json(answer.content)
        if isinstance(parsed, Problem):
            assert parsed.status == answer.status_code, why
        for header in documented.get("headers", {}):
            assert header in answer.headers, f"{why}: {header}"
    assert got["its repeat"].json()["id"] == got["a new request"].json()["id"]
    assert got["a malformed key"].json()["errors"][0]["field"] == f"header.{KEY_HEADER}"
