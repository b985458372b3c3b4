"""Commands on a case: `POST /requests/{id}/{command}`, one route per declared command; a
command declared with a route of its own (`DELETE /requests/{id}/reporter`) takes no body."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Response

from api.http import bodies, models
from api.http.answers import case_headers, case_view
from api.http.auth import Bearer, RuntimeDep, requires
from api.http.problems import ApiProblem, problem_responses
from api.http.reading import CaseId, check_can_read, command_guard, load
from api.http.strict_query import StrictRoute
from api.storage.tokens import Principal, Role
from workflow.declaration import Command
from workflow.declared import COMMANDS
from workflow.errors import ConcurrencyConflict

router = APIRouter(prefix="/requests", tags=["commands"], route_class=StrictRoute)


_IF_MATCH = re.compile(r'^\s*(?:"(\d{1,18})"|(\d{1,18})|(\*))\s*$')

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        description='the case version the command was decided on, as the ETag gives it ("3"); '
        "an older one answers 412",
        examples=['"3"'],
    ),
]


def expected_version(if_match: str | None) -> int | None:
    if if_match is None:
        return None
    found = _IF_MATCH.match(if_match)
    if found is None:
        raise ApiProblem(
            400,
            "bad-if-match",
            "Bad If-Match",
            f'header.If-Match: {if_match!r} is not an ETag of this API; send it as given, e.g. "3"',
        )
    number = found.group(1) or found.group(2)
    return int(number) if number else None


def run(
    command: Command,
    case_id: CaseId,
    body: bodies.CommandIn | None,
    response: Response,
    rt: RuntimeDep,
    who: Principal,
    if_match: str | None,
) -> models.Case:
    given = body if body is not None else bodies.body_of(command).model_validate({})
    wanted = expected_version(if_match)
    if who.role is Role.CHANNEL:
        # A channel's cases are the ones it created, which no later event changes: checked
        # once before the command, as its reads check it.
        check_can_read(rt, who, load(rt, case_id), None)
    try:
        recorded = rt.service.send(
            command,
            case_id,
            actor=who.name,
            fields=given.arguments(),
            **given.options(),
            expected_version=wanted,
            backdating=rt.backdating[who.role],
            # Checked on the version the command saves, not on one loaded before it.
            guard=command_guard(who),
        )
    except ConcurrencyConflict as conflict:
        if wanted is not None and conflict.actual is not None:
            raise ApiProblem(
                412,
                "precondition-failed",
                "Precondition failed",
                f"If-Match names version {wanted}, the case is at version {conflict.actual}; "
                "reload it and decide again",
            ) from None
        raise
    answer = case_view(rt, who, recorded.case.id)
    case_headers(response, answer, recorded.position)
    return answer


def _permission(command: Command) -> Bearer:
    return requires(*command.roles, action=command.name.replace("_", " "))


def _examples(command: Command) -> dict[str, Any]:
    value = {f.name: f.example for f in command.inputs.fields if f.example is not None}
    return {command.wire_name: {"summary": command.summary, "value": value}}


def _endpoint(command: Command) -> Callable[..., models.Case]:
    def endpoint(
        case_id: CaseId,
        response: Response,
        rt: RuntimeDep,
        who: Principal,  # replaced below by the command's permission
        body: bodies.CommandIn | None = None,
        if_match: IfMatch = None,
    ) -> models.Case:
        return run(command, case_id, body, response, rt, who, if_match)

    def bodiless(
        case_id: CaseId,
        response: Response,
        rt: RuntimeDep,
        who: Principal,  # replaced below by the command's permission
        if_match: IfMatch = None,
    ) -> models.Case:
        return run(command, case_id, None, response, rt, who, if_match)

    if command.route is not None:
        return _signed(command, bodiless, {})
    # Each route declares its own body model, so the OpenAPI document shows it.
    signature = inspect.signature(endpoint)
    model = bodies.body_of(command)
    required = any(f.is_required() for f in model.model_fields.values())
    annotation = model if required else model | None
    body_param = signature.parameters["body"].replace(
        annotation=Annotated[
            annotation,
            Body(description=command.summary, openapi_examples=_examples(command)),
        ],
        default=inspect.Parameter.empty if required else None,
    )
    return _signed(command, endpoint, {"body": body_param})


def _signed(
    command: Command, endpoint: Callable[..., models.Case], replaced: dict[str, inspect.Parameter]
) -> Callable[..., models.Case]:
    signature = inspect.signature(endpoint)
    who_param = signature.parameters["who"].replace(
        annotation=Annotated[Principal, Depends(_permission(command))]
    )
    replaced = {**replaced, "who": who_param}
    params = [replaced.get(p.name, p) for p in signature.parameters.values()]
    ordered = sorted(params, key=lambda p: p.default is not inspect.Parameter.empty)
    endpoint.__signature__ = signature.replace(parameters=ordered)  # type: ignore[attr-defined]
    endpoint.__name__ = command.name
    return endpoint


for _command in COMMANDS:
    router.add_api_route(
        f"/{{case_id}}/{_command.http_path}",
        _endpoint(_command),
        methods=[_command.http_method],
        summary=_command.summary,
        response_model=models.Case,
        responses={
            200: {
                "description": "the case after the command",
                "headers": {
                    "ETag": {"schema": {"type": "string"}},
                    "X-Event-Position": {"schema": {"type": "string"}},
                },
            },
            **(
                problem_responses(400, 401, 403, 404, 409, 412)
                if _command.route is not None
                else problem_responses(400, 401, 403, 404, 409, 412, 413, 415, 422)
            ),
        },
    )
