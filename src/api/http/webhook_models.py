"""The bodies of `/webhooks`: an endpoint to add, an endpoint as listed (never its
secrets, its URL redacted), the one answer holding its secret, and a delivery."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.http.fields import CommunityCode
from api.http.views import local
from api.webhooks.delivery_log import Delivery
from api.webhooks.endpoints import Endpoint
from projections.notices.kinds import NOTICE_TYPES

ALLOWED_TYPES = ", ".join(NOTICE_TYPES)


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Annotated[
        str,
        Field(
            min_length=1,
            max_length=2000,
            description="http or https, to a public address unless `allow_private`",
            examples=["https://hooks.example.com/propdesk"],
        ),
    ]
    events: Annotated[
        list[Annotated[str, Field(max_length=40)]],
        Field(
            min_length=1,
            max_length=len(NOTICE_TYPES),
            description=f"the notice types it receives: {ALLOWED_TYPES}",
            examples=[["milestone.breached", "case.closed"]],
        ),
    ]
    communities: Annotated[
        list[CommunityCode],
        Field(max_length=200, description="only these communities' notices; empty: every one"),
    ] = []
    format: Literal["json", "wecom", "dingtalk"] = Field(
        default="json", description="json (signed with the secret), or a WeCom or DingTalk robot"
    )
    robot_secret: str | None = Field(
        default=None, max_length=200, description="a DingTalk robot's signing secret (SEC...)"
    )
    allow_private: bool = Field(
        default=False, description="allow a private, loopback or link-local address"
    )


class WebhookOut(BaseModel):
    id: str
    url: str = Field(description="without its query (a robot's key) or a password")
    format: str
    events: list[str]
    communities: list[str] = Field(description="empty: every community")
    has_robot_secret: bool
    allow_private: bool
    active: bool
    disabled_at: datetime | None
    disabled_reason: str | None = Field(description="why deliveries to it stopped")
    created_at: datetime
    created_by: str


class AddedWebhook(WebhookOut):
    secret: str = Field(
        description="signs the json format's deliveries (Standard Webhooks); shown in this "
        "answer only"
    )


class DeliveryOut(BaseModel):
    webhook_id: str = Field(description="the same on every attempt: receivers drop repeats")
    endpoint_id: str
    notice_id: str
    type: str
    case_id: str
    case_number: str | None = Field(description="the case's number (工单号)")
    status: str = Field(description="pending, delivered or failed (given up)")
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status: int | None = Field(description="the endpoint's HTTP status, when it answered")
    last_error: str | None
    delivered_at: datetime | None


def webhook_out(e: Endpoint) -> WebhookOut:
    return WebhookOut(
        id=e.id,
        url=e.redacted_url(),
        format=e.format,
        events=list(e.events),
        communities=list(e.communities),
        has_robot_secret=e.robot_secret is not None,
        allow_private=e.allow_private,
        active=e.active,
        disabled_at=_local(e.disabled_at),
        disabled_reason=e.disabled_reason,
        created_at=local(e.created_at),
        created_by=e.created_by,
    )


def added_webhook(e: Endpoint) -> AddedWebhook:
    return AddedWebhook(**webhook_out(e).model_dump(), secret=e.secret)


def delivery_out(d: Delivery, number: str | None) -> DeliveryOut:
    return DeliveryOut(
        webhook_id=d.webhook_id,
        endpoint_id=d.endpoint_id,
        notice_id=d.notice_id,
        type=d.type,
        case_id=d.case_id,
        case_number=number,
        status=d.status,
        attempts=d.attempts,
        created_at=local(d.created_at),
        next_attempt_at=_local(d.next_attempt_at),
        last_attempt_at=_local(d.last_attempt_at),
        last_status=d.last_status,
        last_error=d.last_error,
        delivered_at=_local(d.delivered_at),
    )


def _local(moment: datetime | None) -> datetime | None:
    return None if moment is None else local(moment)


class WebhookTestOut(BaseModel):
    delivered: bool = Field(description="the endpoint took the test message")
    status: int | None = Field(description="the HTTP status it answered; null: no answer")
    error: str | None = Field(description="what went wrong, when it was not taken")
