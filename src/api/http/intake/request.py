"""Intake over HTTP: who received a request, and an idempotency key per token."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import StringConstraints, TypeAdapter, ValidationError

from api.http.bodies import NewRequestIn
from api.http.problems import ApiProblem
from api.http.scopes import own_community
from api.storage.tokens import Principal, Role
from workflow.intake import NewRequest
from workflow.personal_data import Reporter

BODY_SCHEMA = f"#/components/schemas/{NewRequestIn.__name__}"  # added by the app (app.py)
KEY_HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[!-~]{1,128}$"
_KEY_DESCRIPTION = (
    "required for channel tokens: a retry with the same key and body answers the same case "
    "(200); the same key with another body answers 422"
)
_valid_key: TypeAdapter[str] = TypeAdapter(Annotated[str, StringConstraints(pattern=KEY_PATTERN)])

# As FastAPI documents a declared optional header.
KEY_PARAMETER: dict[str, Any] = {
    "name": KEY_HEADER,
    "in": "header",
    "required": False,
    "description": _KEY_DESCRIPTION,
    "schema": {
        "anyOf": [{"type": "string", "pattern": KEY_PATTERN}, {"type": "null"}],
        "title": KEY_HEADER,
        "description": _KEY_DESCRIPTION,
        "examples": ["hotline-4711"],
    },
}


def key_scope(token_name: str) -> str:
    """Where a token's Idempotency-Keys are unique: two integrations' keys never meet, and
    one token's key names one request, whatever its channel. ("token:" keeps it apart from
    every channel's name, the domain's default scope.)"""
    return f"token:{token_name}"


def idempotency_key(request: Request) -> str | None:
    """The request's `Idempotency-Key`, checked against `KEY_PATTERN`, or None.

    Read here, not declared as a FastAPI `Header`: FastAPI inspects a declared header's
    type again on every request (its cost in docs/benchmarks.md). A bad key gets
    the answer FastAPI would give, except that it comes after the body's own errors.
    """
    value = request.headers.get(KEY_HEADER)
    if value is None:
        return None
    try:
        return _valid_key.validate_python(value)
    except ValidationError as error:
        raise _invalid(error, "header", KEY_HEADER) from None


def _json_media(content_type: str | None) -> bool:
    """As FastAPI decides: application/json or any application/*+json, parameters allowed."""
    if content_type is None:
        return False
    media = content_type.partition(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


async def new_request_body(request: Request) -> NewRequestIn:
    """The body of `POST /requests`, parsed and validated by pydantic in one pass.

    Read here, not declared as a FastAPI body: FastAPI parses the JSON with the standard
    library and then validates the objects, and parses the Content-Type with the `email`
    package, on every request. Errors are FastAPI's: under `body`, and a body that is not
    JSON is validated as bytes (which the handlers answer with 415).
    """
    sent = await request.body()
    if not sent:
        missing = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}
        raise RequestValidationError([missing])
    try:
        if _json_media(request.headers.get("content-type")):
            return NewRequestIn.from_json(sent)
        return NewRequestIn.model_validate(sent)  # refused: the handlers answer 415
    except ValidationError as error:
        raise _invalid(error, "body") from None


def _invalid(error: ValidationError, *where: str) -> RequestValidationError:
    """Pydantic's errors placed where FastAPI would place them (`body`, `header.X`)."""
    return RequestValidationError([{**e, "loc": (*where, *e["loc"])} for e in error.errors()])


def new_request(body: NewRequestIn, who: Principal, idempotency_key: str | None) -> NewRequest:
    """A channel token must send a key; it names the staff member who received the request
    (首问人), or no one for a request its resident submitted, received unowned (who may be
    named: `receivers.check_receiver`). A staff token receives it itself; an admin, bringing
    history over, may name the original receiver."""
    received_by: str | None
    if who.role is Role.CHANNEL:
        if idempotency_key is None:
            raise ApiProblem(
                400,
                "idempotency-key-required",
                "Idempotency-Key required",
                "a channel token must send an Idempotency-Key header, unique per request, "
                "and the same key on every retry",
            )
        received_by = body.received_by
    elif who.role is Role.ADMIN:
        received_by = body.received_by or who.name
    else:
        sent = body.received_by
        # The token's name is recorded NFC-normalised; the same name may arrive decomposed.
        if sent is not None and unicodedata.normalize("NFC", sent) != who.name:
            raise ApiProblem(
                422,
                "invalid-input",
                "Invalid input",
                f"body.received_by: a {who.role.value} token receives the request itself; "
                f"omit received_by or send {who.name!r}",
            )
        received_by = who.name
    return NewRequest(
        community=own_community(who, body.community),
        kind=body.kind.value,
        channel=body.channel.value,
        location=body.location,
        category=body.category,
        description=body.description,
        received_by=received_by,
        priority=body.priority,
        reporter=Reporter(body.reporter.name, body.reporter.phone) if body.reporter else None,
        received_at=body.received_at,
        idempotency_key=idempotency_key,
        idempotency_scope=key_scope(who.name),
        note=body.note,
        details=body.details,
        late_reason=body.late_reason,
    )
