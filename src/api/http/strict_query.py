"""Query parameters a route does not declare answer 422: `GET /requests?name=...` must not
pass for a request without a filter and answer every case.

Every route is a `StrictRoute` (the routers' `route_class`; `DirectRoute` is one too), so
the check is made in one place for all, before a route solves its parameters, and so
before its token: the answer tells only what /openapi.json tells. A request without a
query string, as intake's always is, costs one test of an empty string.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.http.problems import ApiProblem, problem_responses

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
_SHOWN = 64  # characters of an unknown name repeated in the answer


class StrictRoute(APIRoute):
    """An APIRoute that answers 422 to a query parameter it does not declare, and says so
    in the OpenAPI document."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        if self.include_in_schema:
            self.responses.setdefault(422, problem_responses(422)[422])

    def get_route_handler(self) -> Handler:
        return refusing_unknown_parameters(super().get_route_handler(), declared(self))


def declared(route: APIRoute) -> tuple[str, ...]:
    """The route's query parameters, by the names the OpenAPI document gives them."""
    names = _query_names(route.dependant)
    # A route that reads its own request (DirectRoute) documents them by hand.
    extra = (route.openapi_extra or {}).get("parameters", [])
    names += [p["name"] for p in extra if p.get("in") == "query"]
    return tuple(dict.fromkeys(names))


def _query_names(dependant: Dependant) -> list[str]:
    names = [p.alias for p in dependant.query_params]
    for sub in dependant.dependencies:
        names += _query_names(sub)
    return names


def refusing_unknown_parameters(handler: Handler, allowed: tuple[str, ...]) -> Handler:
    known = frozenset(allowed)

    async def checked(request: Request) -> Response:
        if request.scope["query_string"]:
            _refuse_unknown(request, known, allowed)
        return await handler(request)

    return checked


def _refuse_unknown(request: Request, known: frozenset[str], allowed: tuple[str, ...]) -> None:
    # The names as Starlette parses them for the route, so both see the same.
    unknown = [name for name in dict.fromkeys(request.query_params) if name not in known]
    if not unknown:
        return
    message = f"unknown parameter; allowed: {', '.join(allowed) or 'none'}"
    errors = [{"field": f"query.{_shown(name)}", "message": message} for name in unknown]
    raise ApiProblem(
        422,
        "invalid-input",
        "Invalid input",
        "; ".join(f"{e['field']}: {e['message']}" for e in errors),
        errors=errors,
    )


def _shown(name: str) -> str:
    return name if len(name) <= _SHOWN else name[:_SHOWN] + "…"
