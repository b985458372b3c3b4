"""The deliveries' log as admins read it: each notice sent (or being sent) to each
endpoint, newest first, with how its last attempt went."""

from __future__ import annotations

from api.webhooks.addresses import WebhookError
from api.webhooks.deliveries import COLUMNS, Delivery, delivery_of
from projections.notices.store import NoticeStore

__all__ = ["STATUSES", "Delivery", "deliveries"]

STATUSES = ("pending", "delivered", "failed")


def deliveries(
    store: NoticeStore, *, status: str | None = None, limit: int = 50, offset: int = 0
) -> list[Delivery]:
    """The newest deliveries first, those of one status only when `status` is given."""
    if status is not None and status not in STATUSES:
        raise WebhookError(f"unknown delivery status {status!r}; allowed: {', '.join(STATUSES)}")
    where, parameters = ("WHERE status = ?", (status,)) if status else ("", ())
    rows = store.query(
        f"SELECT {COLUMNS} FROM wh_deliveries {where}"
        " ORDER BY created_at DESC, webhook_id DESC LIMIT ? OFFSET ?",
        (*parameters, limit, offset),
    )
    return [delivery_of(row) for row in rows]
