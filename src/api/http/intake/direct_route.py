"""A route whose endpoint reads its own request: documented by FastAPI, not solved by it."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response

from api.http.strict_query import StrictRoute, declared, refusing_unknown_parameters


class DirectRoute(StrictRoute):
    """For an endpoint `async def endpoint(request: Request) -> Response` that reads its
    token, body and headers itself, and describes them in `openapi_extra`.

    FastAPI still builds the route's OpenAPI entry from its declaration (the response
    model, the responses, `openapi_extra`), but calls the endpoint with the request
    directly. Its usual handler solves the endpoint's parameters on every request, even
    when the only one is the request (it parses the query string, among other things):
    on intake, work worth saving (docs/benchmarks.md).
    Exceptions still reach the application's exception handlers. Query parameters it does
    not document answer 422, as on every route (`strict_query.py`).
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint = self.endpoint
        parameters = list(inspect.signature(endpoint).parameters.values())
        if not inspect.iscoroutinefunction(endpoint) or len(parameters) != 1:
            raise TypeError(f"{endpoint.__name__}: a DirectRoute takes `async def f(request)`")
        return refusing_unknown_parameters(endpoint, declared(self))
