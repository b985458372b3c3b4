"""The application factory: `uvicorn --factory api.http.app:create_app`.

One application service per process, opened in the lifespan (never at import time)
and closed on shutdown. Endpoints are plain `def`s: eventsourcing is synchronous, so
they run in the thread pool.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.concurrency import run_in_threadpool

from api.config.server import BODY_LIMIT, ServerConfig, ServerEnvironment
from api.console import errors as console_errors
from api.console import mount as console
from api.http import docs_pages, handlers, request_log
from api.http.bodies import NewRequestIn
from api.http.limits import BodyLimit
from api.http.no_store import NoStore
from api.http.problems import PROBLEM_MEDIA_TYPE, Problem, problem_responses
from api.http.routes import (
    commands,
    communities,
    events,
    health,
    proofs,
    reports,
    requests,
    sla,
    tokens,
    webhooks,
)
from api.http.runtime import Runtime
from api.http.strict_query import StrictRoute
from api.server.garbage_collector import settle_after_start

DESCRIPTION = """\
Service requests for property-management customer service (物业客服): intake
channels post requests, staff drive cases through their lifecycle, supervisors
audit histories, analysts read reports and the event feed.

Every request needs `Authorization: Bearer <token>` (from `propdesk token new`)
except `GET /health`. Errors are RFC 9457 problem documents
(`application/problem+json`). Writes answer `ETag` (the case version) and
`X-Event-Position`; send `If-Match` to act only on the version you saw, and
`min_position` to read your own writes from the read models.
"""


# The documentation's paths: the same for everyone, so a cache may keep it.
DOCUMENTATION = (*docs_pages.PAGES, docs_pages.ASSETS, "/openapi.json", console.STATIC_PATH)


def _problems_for_validation(document: dict[str, Any]) -> None:
    """FastAPI documents its own 422 body; the handlers answer a problem document instead."""
    problem = problem_responses(422)[422]
    for operation in (op for path in document["paths"].values() for op in path.values()):
        answer = operation.get("responses", {}).get("422")
        if answer is not None and PROBLEM_MEDIA_TYPE not in answer.get("content", {}):
            operation["responses"]["422"] = problem
    for name in ("HTTPValidationError", "ValidationError"):
        document["components"]["schemas"].pop(name, None)


def _from_environment() -> ServerConfig:
    return ServerConfig.load()


def create_app(config: ServerConfig | None = None, runtime: Runtime | None = None) -> FastAPI:
    """`config` defaults to one loaded from the environment at start-up. `runtime`, opened
    from `config` beforehand (by `propdesk serve`), is served and closed at shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        chosen = config if config is not None else await run_in_threadpool(_from_environment)
        if runtime is None:
            opened = await run_in_threadpool(Runtime.open, chosen)
        else:
            opened = runtime
        app.state.runtime = opened
        if app.state.metrics is not None:
            app.state.metrics.watch(opened)
        if chosen.server_pid is not None:  # started by `propdesk serve`, not embedded
            settle_after_start()
        try:
            yield
        finally:
            await run_in_threadpool(opened.close)

    # Without a config, the switches below come from the environment now; the rest of the
    # settings when the lifespan starts.
    switches = config if config is not None else ServerEnvironment.read()
    telemetry = switches.telemetry
    app = FastAPI(
        title="propdesk",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from propdesk itself, below
        redoc_url=None,
        telemetry=None if telemetry else {"tracing": False, "metrics": False, "logs": False},
        openapi_tags=[
            {"name": "requests", "description": "intake and cases"},
            {"name": "commands", "description": "the lifecycle of a case"},
            {"name": "reports", "description": "SLA and first-contact responsibility"},
            {"name": "events", "description": "the event feed, without personal data"},
            {"name": "communities", "description": "the communities cases belong to"},
            {"name": "tokens", "description": "bearer tokens, for admins"},
            {"name": "webhooks", "description": "endpoints notices are posted to, for admins"},
            {"name": "health", "description": "no token needed"},
        ],
    )
    handlers.install(app)
    request_log.install()
    # Inside the console's headers, which the console's answer to a large body carries too
    app.add_middleware(BodyLimit, limit=BODY_LIMIT, answer=console_errors.too_large)
    console.install(app)  # after the handlers: it wraps them for its pages
    docs_pages.install(app)
    app.router.route_class = StrictRoute  # the routers' own are; this for routes added here
    routers = (
        requests,
        sla,
        proofs,
        commands,
        reports,
        events,
        communities,
        tokens,
        webhooks,
        health,
    )
    for module in routers:
        app.include_router(module.router)
    app.add_middleware(NoStore, public=DOCUMENTATION)
    app.state.metrics = None
    if switches.metrics:
        from api.http import metrics  # only then: off, requests pay nothing for it

        metrics.install(app, metrics.Metrics(), with_route=switches.metrics_address is None)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for model in (Problem, NewRequestIn):  # referenced, but in no route's signature
                schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
                schemas.update(schema.pop("$defs", {}))
                schemas[model.__name__] = schema
            _problems_for_validation(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
