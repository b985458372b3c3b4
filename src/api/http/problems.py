"""Problem documents (RFC 9457): the one shape of every error the API answers with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from workflow.errors import InvalidTransition
from workflow.lifecycles import lifecycle

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://propdesk.invalid/problems/"


class FieldError(BaseModel):
    field: str = Field(description="where: body.kind, query.limit, header.If-Match, ...")
    message: str


class Problem(BaseModel):
    """What went wrong, for a person to act on (RFC 9457)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="a URI naming the kind of problem")
    title: str = Field(description="the kind of problem, in a few words")
    status: int = Field(description="the HTTP status code")
    detail: str = Field(description="what was wrong with this request and what is allowed")
    errors: list[FieldError] | None = Field(
        default=None, description="each invalid field, when the input was invalid"
    )


class ApiProblem(Exception):
    """An expected failure of a request; the exception handlers turn it into a problem."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions


def invalid_field(field: str, message: str) -> ApiProblem:
    """422 for one input, `field` as the answers place it (`body.received_by`,
    `query.text`)."""
    return ApiProblem(
        422,
        "invalid-input",
        "Invalid input",
        f"{field}: {message}",
        errors=[{"field": field, "message": message}],
    )


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body = {"type": TYPE_BASE + slug, "title": title, "status": status, "detail": detail}
    body.update({k: v for k, v in extensions.items() if v is not None})
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


# -- the OpenAPI description of error responses ----------------------------------------


@dataclass(frozen=True)
class _Documented:
    slug: str
    title: str
    description: str  # when the status is answered
    example: str  # an example detail
    also: tuple[_Documented, ...] = ()  # other problems answered with the same status


DATABASE_UNAVAILABLE = _Documented(
    "database-unavailable",
    "Database unavailable",
    "The database is unreachable, restarting or out of connections; retry after Retry-After",
    "the database is unavailable; retry after Retry-After (a write that got this answer may "
    "have been saved: repeat it with the same Idempotency-Key or If-Match)",
)

NO_FOLLOWER = _Documented(
    "no-follower",
    "No read-model follower",
    "The read models did not reach `min_position` in time and no process follows the log "
    "(PostgreSQL): start `propdesk serve` or `propdesk projections run`",
    "the read models are at position 40, not yet 42, and no read-model follower is running: "
    "start `propdesk serve` (without --no-follow) or `propdesk projections run` on this "
    "database",
)

_DOCUMENTED: dict[int, _Documented] = {
    400: _Documented(
        "malformed-json",
        "Malformed JSON",
        "The body is not JSON, or a required header is missing",
        "the body is not valid JSON: Expecting value (line 1, column 1)",
    ),
    401: _Documented(
        "unauthorized",
        "Not authenticated",
        "No bearer token, or an unknown or revoked one",
        "send a bearer token: Authorization: Bearer pd_... (see `propdesk token new`)",
    ),
    403: _Documented(
        "forbidden",
        "Forbidden",
        "The token's role may not do this",
        "a worker token may not approve; allowed roles: agent, supervisor",
    ),
    404: _Documented(
        "not-found",
        "Not found",
        "No case with this id, or none the token may see; `no-reporter` for an erasure of "
        "the reporter of a case recorded without one",
        "no case with id 1d8f7a52-4e0a-4c1e-9a43-7d5e6f1b2c3d",
    ),
    409: _Documented(
        "invalid-transition",
        "Not allowed in this state",
        "The case's state does not allow the command, or another command changed it first; "
        "`already-owned` (with its `owner`) for a claim of a case that has its first-contact "
        "owner; `reporter-erased` for an erasure of a reporter's record that is gone already",
        # The refusal itself, so that the example follows the lifecycle table: an owned
        # case's with its reporter's record, which offers no `claim` and may be erased.
        str(
            InvalidTransition(
                "repair",
                "received",
                "complete",
                [c for c in lifecycle("repair").allowed("received") if c != "claim"],
            )
        ),
    ),
    412: _Documented(
        "precondition-failed",
        "Precondition failed",
        "If-Match names an older version of the case",
        "If-Match names version 1, the case is at version 2; reload it and decide again",
    ),
    413: _Documented(
        "too-large",
        "Request body too large",
        "The body is over 64 KiB",
        "the body is 70000 bytes; at most 65536 are accepted",
    ),
    415: _Documented(
        "unsupported-media-type",
        "Unsupported media type",
        "The body is not sent as application/json",
        "the body must be JSON sent as Content-Type: application/json (got text/plain)",
    ),
    422: _Documented(
        "invalid-input",
        "Invalid input",
        "A field has a value the API does not accept",
        "body.kind: Input should be 'repair', 'complaint' or 'renovation' (got \"flat\")",
    ),
    503: _Documented(
        "read-models-behind",
        "Read models behind",
        "The read models did not reach `min_position` in time, or the database is "
        "unavailable; retry after Retry-After",
        "the read models are at position 40, not yet 42; retry shortly",
        also=(NO_FOLLOWER, DATABASE_UNAVAILABLE),
    ),
}
# Every operation documented here reads the database (the tokens at least), so each may
# answer 503 database-unavailable, whatever else it lists; see docs/http.md.
_ALWAYS: dict[int, _Documented] = {503: DATABASE_UNAVAILABLE}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for these statuses, each a problem document with an example."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in dict.fromkeys((*statuses, *_ALWAYS)):
        doc = _DOCUMENTED[status] if status in statuses else _ALWAYS[status]
        media: dict[str, Any] = {"schema": {"$ref": "#/components/schemas/Problem"}}
        if doc.also:
            media["examples"] = {
                each.slug: {"summary": each.title, "value": _example(status, each)}
                for each in (doc, *doc.also)
            }
        else:
            media["example"] = _example(status, doc)
        responses[status] = {
            "description": doc.description,
            "content": {PROBLEM_MEDIA_TYPE: media},
        }
        if status == 503:
            responses[status]["headers"] = {"Retry-After": _RETRY_AFTER}
    return responses


_RETRY_AFTER = {"description": "seconds to wait before retrying", "schema": {"type": "string"}}


def _example(status: int, doc: _Documented) -> dict[str, Any]:
    return {
        "type": TYPE_BASE + doc.slug,
        "title": doc.title,
        "status": status,
        "detail": doc.example,
    }
