"""The deliveries' log as admins read it: each notice sent (or being sent) to each
endpoint, newest first, with how its last attempt went."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from api.webhooks.addresses import WebhookError
from projections.notices.store import NoticeStore
from projections.times import EPOCH, from_micros

STATUSES = ("pending", "delivered", "failed")
_COLUMNS = (
    "webhook_id, endpoint_id, notice_id, type, case_id, status, attempts, created_at,"
    " next_attempt_at, last_attempt_at, last_status, last_error, delivered_at"
)


@dataclass(frozen=True)
class Delivery:
    webhook_id: str  # the same on every attempt: receivers drop repeats by it
    endpoint_id: str
    notice_id: str
    type: str
    case_id: str
    status: str  # pending | delivered | failed
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status: int | None  # the endpoint's HTTP status, when it answered
    last_error: str | None
    delivered_at: datetime | None


def deliveries(
    store: NoticeStore, *, status: str | None = None, limit: int = 50, offset: int = 0
) -> list[Delivery]:
    """The newest deliveries first, those of one status only when `status` is given."""
    if status is not None and status not in STATUSES:
        raise WebhookError(f"unknown delivery status {status!r}; allowed: {', '.join(STATUSES)}")
    where, parameters = ("WHERE status = ?", (status,)) if status else ("", ())
    rows = store.query(
        f"SELECT {_COLUMNS} FROM wh_deliveries {where}"
        " ORDER BY created_at DESC, webhook_id DESC LIMIT ? OFFSET ?",
        (*parameters, limit, offset),
    )
    return [_delivery(row) for row in rows]


def _delivery(row: Mapping[str, Any]) -> Delivery:
    return Delivery(
        webhook_id=str(row["webhook_id"]),
        endpoint_id=str(row["endpoint_id"]),
        notice_id=str(row["notice_id"]),
        type=str(row["type"]),
        case_id=str(row["case_id"]),
        status=str(row["status"]),
        attempts=int(row["attempts"]),
        created_at=EPOCH + timedelta(microseconds=int(row["created_at"])),
        next_attempt_at=from_micros(row["next_attempt_at"]),
        last_attempt_at=from_micros(row["last_attempt_at"]),
        last_status=None if row["last_status"] is None else int(row["last_status"]),
        last_error=row["last_error"],
        delivered_at=from_micros(row["delivered_at"]),
    )
