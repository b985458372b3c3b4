"""Webhooks, for admin tokens of every community: add, list, read and remove endpoints,
and read the deliveries' log. The command line does the same (`propdesk webhook`).
Refusals (WebhookError, UnknownEndpoint) become problems in `api.http.handlers`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from starlette.convertors import Convertor, register_url_convertor

from api.http.auth import RuntimeDep, requires
from api.http.problems import problem_responses
from api.http.strict_query import StrictRoute
from api.http.webhook_models import (
    AddedWebhook,
    DeliveryOut,
    WebhookIn,
    WebhookOut,
    WebhookTestOut,
    added_webhook,
    delivery_out,
    webhook_out,
)
from api.storage.tokens import Principal, Role
from api.webhooks.delivery_log import deliveries
from api.webhooks.endpoints import ID_PATTERN, add_endpoint, endpoint, endpoints, remove_endpoint
from api.webhooks.running import send_test

router = APIRouter(prefix="/webhooks", tags=["webhooks"], route_class=StrictRoute)

Admin = Annotated[
    Principal, Depends(requires(Role.ADMIN, action="manage webhooks", whole_company=True))
]
EndpointId = Annotated[
    str, Path(pattern=f"^{ID_PATTERN}$", description="the endpoint's id: ep_ and 16 hex digits")
]


class _EndpointIds(Convertor[str]):
    """Only an endpoint's id, so that `/webhooks/deliveries` is no endpoint's path (which
    would have it answer DELETE, and say so in its Allow header)."""

    regex = ID_PATTERN

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("endpoint_id", _EndpointIds())


@router.get("", summary="The webhook endpoints", responses=problem_responses(401, 403, 422))
def list_webhooks(rt: RuntimeDep, who: Admin) -> list[WebhookOut]:
    """In the order they were added; never a secret, each URL without its query."""
    return [webhook_out(e) for e in endpoints(rt.notices)]


@router.post(
    "",
    status_code=201,
    summary="Add a webhook endpoint",
    responses=problem_responses(400, 401, 403, 413, 415, 422),
)
def add_webhook(body: WebhookIn, rt: RuntimeDep, who: Admin) -> AddedWebhook:
    """The answer holds the endpoint's signing secret, this once: keep it where the
    receiver keeps secrets. A refused endpoint (422) is not recorded."""
    added = add_endpoint(
        rt.notices,
        body.url,
        body.events,
        fmt=body.format,
        communities=body.communities,
        robot_secret=body.robot_secret,
        allow_private=body.allow_private,
        known_communities=rt.communities.refresh(),
        by=who.name,
        now=datetime.now(UTC),
    )
    return added_webhook(added)


# Before /{endpoint_id}, which would take `deliveries` for an id.
@router.get(
    "/deliveries",
    summary="The deliveries' log",
    responses=problem_responses(401, 403, 422),
)
def list_deliveries(
    rt: RuntimeDep,
    who: Admin,
    status: Annotated[
        Literal["pending", "delivered", "failed"] | None,
        Query(description="only deliveries in this state"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="at most this many")] = 50,
) -> list[DeliveryOut]:
    """Each notice sent, or being sent, to each endpoint, newest first."""
    found = deliveries(rt.notices, status=status, limit=limit)
    numbers = rt.numbers.numbers_of([d.case_id for d in found])
    return [delivery_out(d, numbers.get(d.case_id)) for d in found]


@router.get(
    "/{endpoint_id:endpoint_id}",
    summary="One webhook endpoint",
    responses=problem_responses(401, 403, 404, 422),
)
def read_webhook(endpoint_id: EndpointId, rt: RuntimeDep, who: Admin) -> WebhookOut:
    return webhook_out(endpoint(rt.notices, endpoint_id))


@router.delete(
    "/{endpoint_id:endpoint_id}",
    status_code=204,
    summary="Remove a webhook endpoint",
    responses=problem_responses(401, 403, 404, 422),
)
def remove_webhook(endpoint_id: EndpointId, rt: RuntimeDep, who: Admin) -> Response:
    """Its deliveries stay in the log; those still pending are marked failed."""
    remove_endpoint(rt.notices, endpoint_id)
    return Response(status_code=204)


@router.post(
    "/{endpoint_id:endpoint_id}/test",
    summary="Send a webhook endpoint a test message now",
    responses=problem_responses(401, 403, 404, 422),
)
def test_webhook(endpoint_id: EndpointId, rt: RuntimeDep, who: Admin) -> WebhookTestOut:
    """A message of type `webhook.test` about a made-up case, sent at once (not through the
    outbox) and not recorded; the answer says whether the endpoint took it."""
    settings = rt.config.settings
    status, error = send_test(
        rt.notices, endpoint(rt.notices, endpoint_id),
        zone=settings.timezone, public_url=settings.public_url,
    )  # fmt: skip
    return WebhookTestOut(delivered=error is None, status=status, error=error)
