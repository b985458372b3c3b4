"""The one place where errors become HTTP answers: every one a problem document."""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match, Mount
from starlette.staticfiles import StaticFiles

from api.http.backdating import BEYOND_LIMIT
from api.http.problems import DATABASE_UNAVAILABLE, ApiProblem, problem_response
from api.http.storage_errors import RETRY_AFTER_SECONDS, database_unavailable
from api.webhooks.addresses import WebhookError
from api.webhooks.endpoints import UnknownEndpoint
from workflow.errors import (
    AlreadyOwned,
    CaseNotFound,
    ConcurrencyConflict,
    IdempotencyConflict,
    InvalidInput,
    InvalidTransition,
    LateEntryRefused,
    NoReporterRecord,
    ReporterAlreadyErased,
)

log = logging.getLogger("propdesk.http")
server_log = logging.getLogger("uvicorn.error")  # shown by `propdesk serve` at --log-level info


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiProblem, _api_problem)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(InvalidInput, _invalid_input)
    app.add_exception_handler(InvalidTransition, _invalid_transition)
    app.add_exception_handler(AlreadyOwned, _already_owned)
    app.add_exception_handler(CaseNotFound, _not_found)
    app.add_exception_handler(NoReporterRecord, _no_reporter)
    app.add_exception_handler(ReporterAlreadyErased, _reporter_erased)
    app.add_exception_handler(ConcurrencyConflict, _conflict)
    app.add_exception_handler(IdempotencyConflict, _idempotency)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(WebhookError, _webhook_refused)
    app.add_exception_handler(UnknownEndpoint, _no_endpoint)
    # What the storage raises: eventsourcing's wrappers (the event store, the read models),
    # psycopg and psycopg_pool's own (tokens, reporters), sqlite3's.
    for storage_error in (PersistenceError, psycopg.Error, sqlite3.Error):
        app.add_exception_handler(storage_error, _storage)
    app.add_exception_handler(Exception, _unexpected)


async def _api_problem(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiProblem)
    return problem_response(
        error.status,
        error.slug,
        error.title,
        error.detail,
        headers=error.headers,
        **error.extensions,
    )


def _where(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location) or "body"


async def _validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = list(error.errors())
    # Before the media type: pydantic's own JSON errors carry the bytes that were sent.
    malformed = [p for p in problems if p.get("type") == "json_invalid"]
    if malformed:
        reason = malformed[0].get("ctx", {}).get("error", "malformed")
        return problem_response(
            400, "malformed-json", "Malformed JSON", f"the body is not valid JSON: {reason}"
        )
    if any(tuple(p["loc"]) == ("body",) and isinstance(p.get("input"), bytes) for p in problems):
        sent = request.headers.get("content-type", "none")
        return problem_response(
            415,
            "unsupported-media-type",
            "Unsupported media type",
            f"the body must be JSON sent as Content-Type: application/json (got {sent})",
        )
    fields = [{"field": _where(tuple(p["loc"])), "message": field_message(p)} for p in problems]
    detail = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return problem_response(422, "invalid-input", "Invalid input", detail, errors=fields)


def field_message(problem: dict[str, Any]) -> str:
    """What was wrong with one input, as the API says it."""
    message = str(problem.get("msg", "invalid"))
    if problem.get("type") == "extra_forbidden":
        return "unknown field; remove it (see the schema in /openapi.json)"
    if problem.get("type") == "missing":
        return "required"
    if problem.get("type") == "value_error" and "error" in problem.get("ctx", {}):
        return str(problem["ctx"]["error"])
    given = problem.get("input")
    if problem.get("type", "").endswith(("_type", "_parsing", "enum", "literal_error")):
        try:
            shown = json.dumps(given, ensure_ascii=False)[:80]
        except (TypeError, ValueError):
            shown = repr(given)[:80]
        return f"{message} (got {shown})"
    return message


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _methods_answered(request: Request) -> list[str]:
    """Every method some route answers on the request's path: Starlette's 405 lists only
    those of the first route whose path matched."""
    scope = request.scope
    # The app's root path: inside a mount, root_path is the mount's.
    root = scope.get("app_root_path", scope.get("root_path", ""))
    where = {"path": scope["path"], "root_path": root}
    found: set[str] = set()
    for method in _METHODS:
        # A new scope each time: matching writes to the scope it is given.
        probe = {"type": "http", "headers": [], "query_string": b"", **where, "method": method}
        for route in request.app.router.routes:
            matched = route.matches(dict(probe))[0]
            if isinstance(route, Mount):  # matches any method: its app decides
                if matched is not Match.NONE and isinstance(route.app, StaticFiles):
                    found.update(("GET", "HEAD"))
            elif matched is Match.FULL:
                found.add(method)
    return [m for m in _METHODS if m in found]


async def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        return problem_response(
            404, "not-found", "Not found", "no such route; see /docs for the API's routes"
        )
    if error.status_code == 405:
        allowed = ", ".join(_methods_answered(request))
        return problem_response(
            405,
            "method-not-allowed",
            "Method not allowed",
            f"this route does not answer {request.method}; it answers {allowed} (see /docs)",
            headers={**(error.headers or {}), "Allow": allowed},
        )
    return problem_response(
        error.status_code,
        "http-error",
        "HTTP error",
        str(error.detail),
        headers=dict(error.headers or {}),
    )


async def _client_gone(request: Request, _: Exception) -> JSONResponse:
    """A client may go away at any moment: one line, and an answer nobody reads."""
    server_log.info(
        "%s %s: the client went away before its request was read",
        request.method,
        request.url.path,
    )
    return problem_response(400, "client-gone", "Client gone", "the request was not received")


async def _invalid_input(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidInput)
    problem = error.problem
    if isinstance(error, LateEntryRefused):  # the domain knows no roles; say who may
        problem = f"{problem}; {BEYOND_LIMIT}"
    return problem_response(
        422,
        "invalid-input",
        "Invalid input",
        f"{error.field}: {problem}",
        errors=[{"field": f"body.{error.field}", "message": problem}],
    )


async def _invalid_transition(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidTransition)
    return problem_response(
        409,
        "invalid-transition",
        "Not allowed in this state",
        str(error),
        state=error.state,
        allowed=[c.replace("_", "-") for c in error.allowed],
    )


async def _already_owned(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, AlreadyOwned)
    return problem_response(
        409,
        "already-owned",
        "Owned already",
        str(error),
        owner=error.owner,
        state=error.state,
        allowed=[c.replace("_", "-") for c in error.allowed],
    )


async def _not_found(request: Request, error: Exception) -> JSONResponse:
    named = request.path_params.get("case_id")
    if isinstance(named, str) and not _is_uuid(named):
        # Asked for by its number, a case the caller may not see is answered with the
        # number, as a number no case has is: its id would tell that it exists.
        error = CaseNotFound(named.upper())
    return problem_response(404, "not-found", "Not found", str(error))


async def _no_reporter(_: Request, error: Exception) -> JSONResponse:
    # The case exists, its reporter does not: the resource the DELETE names is not found.
    return problem_response(404, "no-reporter", "No reporter", str(error))


async def _reporter_erased(_: Request, error: Exception) -> JSONResponse:
    return problem_response(409, "reporter-erased", "Reporter erased already", str(error))


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


async def _webhook_refused(_: Request, error: Exception) -> JSONResponse:
    # The message says what was wrong and what is allowed (api.webhooks).
    return problem_response(422, "invalid-input", "Invalid input", f"body: {error}")


async def _no_endpoint(_: Request, error: Exception) -> JSONResponse:
    return problem_response(404, "not-found", "Not found", str(error))


async def _conflict(_: Request, error: Exception) -> JSONResponse:
    return problem_response(
        409, "concurrent-change", "Changed concurrently", f"{error}; reload the case and retry"
    )


async def _idempotency(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, IdempotencyConflict)
    return problem_response(
        422,
        "idempotency-key-reused",
        "Idempotency key reused",
        f"the Idempotency-Key {error.key!r} was already used for a different "
        "request; send a new key for a new request",
    )


async def _storage(request: Request, error: Exception) -> JSONResponse:
    unavailable = database_unavailable(error)
    metrics = request.app.state.metrics
    if metrics is not None:
        metrics.database_errors.labels("unavailable" if unavailable else "other").inc()
    if not unavailable:
        return await _unexpected(request, error)
    cause = error.__cause__ or error
    first_line = next(iter(str(cause).strip().splitlines()), "")
    log.warning(
        "database unavailable on %s %s: %s: %s",
        request.method,
        request.url.path,
        type(cause).__name__,
        first_line,
    )
    return problem_response(
        503,
        DATABASE_UNAVAILABLE.slug,
        DATABASE_UNAVAILABLE.title,
        "the database is unavailable; retry after Retry-After (a write that got this answer "
        "may have been saved: repeat it with the same Idempotency-Key or If-Match)",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    return problem_response(
        500, "internal-error", "Internal error", "the server failed; the error has been logged"
    )
