"""Plain, serialisable views of cases and histories for the command line."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from workflow.case import Case
from workflow.history import HistoryEntry


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def case_summary(case: Case) -> dict[str, Any]:
    summary: dict[str, Any] = _plain(
        {
            "id": case.id,
            "kind": case.kind,
            "state": case.state,
            "version": case.version,
            "category": case.category,
            "priority": case.priority,
            "location": case.location,
            "channel": case.channel,
            "first_contact_owner": case.owner,
            "received_by": case.received_by,
            "assignee": case.assignee,
            "received_at": case.received_at,
            "last_occurred_at": case.last_occurred_at,
            "allowed_commands": list(case.allowed_commands()),
        }
    )
    return summary


def history_rows(entries: list[HistoryEntry]) -> list[dict[str, Any]]:
    return [
        _plain(
            {
                "version": e.version,
                "type": e.type,
                "actor": e.actor,
                "occurred_at": e.occurred_at,
                "recorded_at": e.recorded_at,
                "note": e.note,
                "late_reason": e.late_reason,
                "data": e.data,
            }
        )
        for e in entries
    ]


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
