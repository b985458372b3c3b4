"""`GET /metrics` in Prometheus's text format, with prometheus-client; only when
`PROPDESK_METRICS=on` (this module is not even imported otherwise).

Under `propdesk serve` every process writes its counts to files of its own in a private
directory (prometheus-client's multiprocess mode, `metrics_server.py`), and whichever
process answers a scrape adds them all up: the totals are the server's, not one
worker's. The event log's head and the read models' position are read from the database
when scraped. Labels hold route templates (`/requests/{case_id}`), methods, statuses and
kinds of error: never a path, a name or anything a request carried.
"""

from __future__ import annotations

import os
import time
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.config.server import METRICS_DIRECTORY_ENV
from api.http.auth import requires
from api.http.log_positions import LogPositions
from api.http.problems import problem_responses
from api.http.runtime import Runtime
from api.storage.tokens import Principal, Role

UNMATCHED = "unmatched"  # the route label of a request no route took (404, 413, ...)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


class Metrics:
    """What one server process counts. Its registry, for a scrape in a process of its own
    (an app made outside `serve`), holds its counts; under `serve` each scrape reads every
    process's files instead."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        shared = os.environ.get(METRICS_DIRECTORY_ENV)
        own = None if shared else self.registry  # under serve, the files are the counts
        self.requests = Counter(
            "propdesk_http_requests",
            "HTTP requests answered, by route template, method and status",
            ["route", "method", "status"],
            registry=own,
        )
        self.latency = Histogram(
            "propdesk_http_request_duration_seconds",
            "Time from a request's arrival at the app to its answer, by route template",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=own,
        )
        self.batch_sizes = Histogram(
            "propdesk_intake_batch_size",
            "Intakes saved together in one transaction (group commit)",
            buckets=BATCH_BUCKETS,
            registry=own,
        )
        self.database_errors = Counter(
            "propdesk_database_errors",
            "Requests that failed on the database: unavailable (answered 503) or other (500)",
            ["kind"],
            registry=own,
        )
        if shared:
            MultiProcessCollector(self.registry, shared)  # type: ignore[no-untyped-call]

    def watch(self, runtime: Runtime) -> None:
        """Counts the runtime's intake batches, and reads its log positions when scraped."""
        runtime.intake.on_batch = self.batch_sizes.observe
        self.registry.register(LogPositions(runtime.head, runtime.store.position))

    def exposition(self, accept: str) -> tuple[bytes, str]:
        """The scrape, in the format the scraper asked for (its Accept header): the text
        format, or OpenMetrics; and its media type."""
        encode, media_type = choose_encoder(accept)
        return encode(self.registry), media_type


class RequestMetrics:
    """Pure ASGI middleware: counts each answer and times it, by the route that took it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics
        # Each (route, method, status)'s counter and histogram, looked up once: `labels`
        # checks and locks on every call. Bounded: the parser takes only known methods.
        self.children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def answering(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, answering)
        finally:
            elapsed = time.perf_counter() - started
            key = (getattr(scope.get("route"), "path", UNMATCHED), scope["method"], status)
            children = self.children.get(key)
            if children is None:
                route, method, _ = key
                children = self.children[key] = (
                    self.metrics.requests.labels(route, method, str(status)),
                    self.metrics.latency.labels(route, method),
                )
            children[0].inc()
            children[1].observe(elapsed)


Admin = Annotated[
    Principal, Depends(requires(Role.ADMIN, action="read the metrics", whole_company=True))
]


def install(app: FastAPI, metrics: Metrics, *, with_route: bool) -> None:
    """Counts the app's requests; `GET /metrics` answers admins only when `with_route`
    (otherwise they are served on an address of their own, without a token)."""
    app.state.metrics = metrics
    app.add_middleware(RequestMetrics, metrics=metrics)
    if not with_route:
        return
    router = APIRouter(tags=["health"])

    @router.get("/metrics", responses=problem_responses(401, 403), include_in_schema=False)
    def read_metrics(request: Request, who: Admin) -> Response:
        body, media_type = metrics.exposition(request.headers.get("accept", ""))
        return Response(body, headers={"Content-Type": media_type})

    app.include_router(router)
