"""The deliveries' table: made from the outbox (fan-out), picked when due, and each
attempt's outcome recorded.

Fan-out makes one delivery per endpoint that wants a notice and marks the notice fanned
out, in one transaction; a delivery's id is made from the endpoint's and the notice's, and
inserting one that exists does nothing, so two deliverers racing do no harm. An endpoint
gets the notices taken into the outbox after it was added, never the ones before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from api.webhooks.endpoints import Endpoint, endpoints
from projections.notices.kinds import Notice
from projections.notices.store import OUTBOX_COLUMNS, NoticeStore, notice_of
from projections.times import EPOCH, from_micros, to_micros

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
COLUMNS = (
    "webhook_id, endpoint_id, notice_id, notice_sequence, type, case_id, status, attempts,"
    " created_at, next_attempt_at, first_attempt_at, last_attempt_at, last_status,"
    " last_error, delivered_at"
)
_INSERT = (
    "INSERT INTO wh_deliveries (webhook_id, endpoint_id, notice_id, notice_sequence, type,"
    " case_id, status, attempts, created_at, next_attempt_at)"
    " VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (webhook_id) DO NOTHING"
)


@dataclass(frozen=True)
class Delivery:
    webhook_id: str
    endpoint_id: str
    notice_id: str
    notice_sequence: int
    type: str
    case_id: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    first_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None


def webhook_id(endpoint_id: str, notice_id: str) -> str:
    """The same for every attempt and every deliverer: receivers deduplicate on it."""
    return "msg_" + hashlib.sha256(f"{endpoint_id}\n{notice_id}".encode()).hexdigest()[:32]


def fan_out(store: NoticeStore, now: datetime, batch: int = 500) -> int:
    """Deliveries for the oldest notices not yet fanned out; returns how many notices."""
    rows = store.query(
        f"SELECT {OUTBOX_COLUMNS} FROM nt_outbox WHERE fanned_out = 0 ORDER BY sequence LIMIT ?",
        (batch,),
    )
    if not rows:
        return 0
    notices = [notice_of(row) for row in rows]
    targets = endpoints(store)
    at = to_micros(now)
    made = [
        (webhook_id(e.id, n.id), e.id, n.id, n.sequence, n.type, n.case_id, at, at)
        for n in notices
        for e in targets
        if _wanted(e, n)
    ]
    done = [(n.sequence,) for n in notices]
    store.execute(
        [(_INSERT, made), ("UPDATE nt_outbox SET fanned_out = 1 WHERE sequence = ?", done)]
    )
    return len(notices)


def _wanted(target: Endpoint, notice: Notice) -> bool:
    return target.wants(notice.type, notice.community) and notice.emitted_at >= target.created_at


def due(store: NoticeStore, now: datetime, limit: int) -> list[Delivery]:
    """Pending deliveries whose next attempt is due, the longest waiting first."""
    rows = store.query(
        f"SELECT {COLUMNS} FROM wh_deliveries WHERE status = 'pending'"
        " AND next_attempt_at <= ? ORDER BY next_attempt_at, notice_sequence LIMIT ?",
        (to_micros(now), limit),
    )
    return [delivery_of(row) for row in rows]


def notice_for(store: NoticeStore, delivery: Delivery) -> Notice | None:
    rows = store.query(
        f"SELECT {OUTBOX_COLUMNS} FROM nt_outbox WHERE sequence = ?", (delivery.notice_sequence,)
    )
    return notice_of(rows[0]) if rows else None


def record(
    store: NoticeStore,
    delivery: Delivery,
    *,
    now: datetime,
    status: int | None,
    error: str | None,
    outcome: str,
    retry_at: datetime | None = None,
) -> None:
    """One attempt's outcome: delivered, failed, or pending again until `retry_at`."""
    at = to_micros(now)
    store.execute(
        [
            (
                "UPDATE wh_deliveries SET status = ?, attempts = attempts + 1,"
                " first_attempt_at = COALESCE(first_attempt_at, ?), last_attempt_at = ?,"
                " last_status = ?, last_error = ?, next_attempt_at = ?, delivered_at = ?"
                " WHERE webhook_id = ? AND status = 'pending'",
                [
                    (
                        outcome,
                        at,
                        at,
                        status,
                        error,
                        to_micros(retry_at) if outcome == PENDING else None,
                        at if outcome == DELIVERED else None,
                        delivery.webhook_id,
                    )
                ],
            )
        ]
    )


def abandon(store: NoticeStore, delivery: Delivery, reason: str) -> None:
    """Fails a delivery that cannot be attempted at all."""
    store.execute(
        [
            (
                "UPDATE wh_deliveries SET status = 'failed', next_attempt_at = NULL,"
                " last_error = ? WHERE webhook_id = ? AND status = 'pending'",
                [(reason, delivery.webhook_id)],
            )
        ]
    )


def give_up_endpoint(store: NoticeStore, endpoint_id: str, reason: str) -> None:
    """Every pending delivery of an endpoint failed: it is gone or disabled."""
    store.execute(
        [
            (
                "UPDATE wh_deliveries SET status = 'failed', next_attempt_at = NULL,"
                " last_error = ? WHERE endpoint_id = ? AND status = 'pending'",
                [(reason, endpoint_id)],
            )
        ]
    )


def delivery_of(row: Mapping[str, Any]) -> Delivery:
    return Delivery(
        webhook_id=str(row["webhook_id"]),
        endpoint_id=str(row["endpoint_id"]),
        notice_id=str(row["notice_id"]),
        notice_sequence=int(row["notice_sequence"]),
        type=str(row["type"]),
        case_id=str(row["case_id"]),
        status=str(row["status"]),
        attempts=int(row["attempts"]),
        created_at=EPOCH + timedelta(microseconds=int(row["created_at"])),
        next_attempt_at=from_micros(row["next_attempt_at"]),
        first_attempt_at=from_micros(row["first_attempt_at"]),
        last_attempt_at=from_micros(row["last_attempt_at"]),
        last_status=row["last_status"],
        last_error=row["last_error"],
        delivered_at=from_micros(row["delivered_at"]),
    )
