"""Plain, serialisable views of cases and histories for the command line."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from api.cli.local_times import local_iso, local_text
from workflow.case import Case


def plain(value: Any, zone: ZoneInfo) -> Any:
    """JSON-ready: times in the deployment's time zone, to the microsecond."""
    if isinstance(value, datetime):
        return local_iso(value, zone)
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v, zone) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, zone) for v in value]
    return value


def cell(value: Any, zone: ZoneInfo) -> str:
    """A table cell: times in the deployment's time zone, to the second."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_text(value, zone)
    if isinstance(value, dict):
        return json.dumps(plain(value, zone), ensure_ascii=False)
    if isinstance(value, list | tuple):
        return ", ".join(cell(v, zone) for v in value)
    return str(value)


def case_summary(case: Case) -> dict[str, Any]:
    return {
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
        "description": case.description,
        "details": dict(case.details),
        # Whether a reporter is named and their record kept; never the record itself.
        "reporter": reporter_status(case),
        "reporter_erased_at": case.reporter_erased_at,
    }


def reporter_status(case: Case) -> str:
    """`none` (recorded without one), `kept`, or `erased` (PIPL)."""
    if case.reporter_ref is None:
        return "none"
    return "kept" if case.reporter_erased_at is None else "erased"


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
