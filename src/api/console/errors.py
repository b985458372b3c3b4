"""Errors on console pages: the API's answer (same status, same message), as a page.

The API's exception handlers stay the one place that maps errors to statuses; under
/console each is wrapped to render its problem document as HTML.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.types import Scope

from api.console.headers import PREFIX
from api.console.i18n import DEFAULT, N_
from api.console.rendering import render, translate
from api.console.visitors import (
    CsrfRefused,
    PageRefused,
    SignInNeeded,
    Visitor,
    language_of,
    sign_in_path,
)
from api.http import limits

Handler = Callable[[Request, Exception], Awaitable[Response]]
TITLES = {  # the error page's heading by status: interface messages
    400: N_("The request could not be read"),
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    409: N_("Not possible in this state"),
    412: N_("The case changed meanwhile"),
    413: N_("Too large"),
    422: N_("Invalid input"),
    429: N_("Too many attempts"),
    503: N_("Temporarily unavailable"),
}
OTHER = N_("Something went wrong")


def _language(request: Request) -> str:
    try:
        return language_of(request, None)
    except Exception:  # a page about an error must not fail over its language
        return DEFAULT


def error_page(
    request: Request,
    status: int,
    detail: str,
    headers: dict[str, str],
    visitor: Visitor | None = None,
) -> Response:
    """The page of an error; with the menu when the visitor is known (a page refused)."""
    language = visitor.language if visitor is not None else _language(request)
    title = translate(language, TITLES.get(status, OTHER))
    context = {"title": title, "status": status, "detail": detail, "user": visitor}
    return render(request, "error.html", context, language=language, status=status,
                  headers=headers)  # fmt: skip


def too_large(scope: Scope, detail: str) -> Response:
    """A body over the limit: a page under /console, the API's problem elsewhere."""
    if not str(scope.get("path", "")).startswith(PREFIX):
        return limits.problem(scope, detail)
    return error_page(Request(scope), 413, detail, {})


def _as_page(original: Handler) -> Handler:
    async def handler(request: Request, error: Exception) -> Response:
        answer = await original(request, error)
        if not request.url.path.startswith(PREFIX):
            return answer
        try:
            detail = str(json.loads(bytes(answer.body)).get("detail", ""))
        except (ValueError, AttributeError):
            detail = ""
        kept = {k: v for k, v in answer.headers.items() if k.lower() in ("retry-after", "allow")}
        return error_page(request, answer.status_code, detail, kept)

    return handler


async def _sign_in(request: Request, error: Exception) -> Response:
    assert isinstance(error, SignInNeeded)
    target = sign_in_path(error.next_path)
    if request.headers.get("hx-request"):  # htmx swaps content: tell it to go there instead
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, PageRefused)
    language = error.visitor.language
    detail = translate(language, "Your role may not open this page.")
    return error_page(request, 403, detail, {}, error.visitor)


async def _csrf(request: Request, _: Exception) -> Response:
    detail = translate(_language(request), "The form was not sent from this console; reload it.")
    return error_page(request, 403, detail, {})


def install(app: FastAPI) -> None:
    """After the API's handlers are installed."""
    handlers: dict[Any, Handler] = dict(app.exception_handlers)
    for kind, original in handlers.items():
        app.add_exception_handler(kind, _as_page(original))
    app.add_exception_handler(SignInNeeded, _sign_in)
    app.add_exception_handler(PageRefused, _refused)
    app.add_exception_handler(CsrfRefused, _csrf)
