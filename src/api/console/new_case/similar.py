"""Possible duplicates of a request being recorded: open cases of the same community,
received in the last 24 hours, at the same location, or of the same category in the same
building (several residents report the same lift fault).

A location's building is its first segment (`3` of `3-2-1201`); a location without one
(`北门`) matches only itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from api.console.queue_sql import OPEN, micros
from api.http.matching import like_escaped
from projections.store import ReadModelStore
from projections.times import EPOCH, MICROSECOND

WINDOW = timedelta(hours=24)
SHOWN = 10


@dataclass(frozen=True)
class Similar:
    case_id: str
    number: str | None
    location: str
    category: str
    state: str
    received_at: datetime
    same_location: bool


def building_of(location: str) -> str | None:
    head, dash, _ = location.partition("-")
    return head if dash and head else None


def similar_cases(
    store: ReadModelStore,
    community: str,
    location: str,
    category: str | None,
    now: datetime,
    numbers_of: Callable[[list[str]], dict[str, str]],
) -> list[Similar]:
    location = location.strip()
    if not location and not category:
        return []
    alike = ["c.location = ?"]
    params: list[object] = [community, micros(now - WINDOW), location]
    building = building_of(location)
    if category and building is not None:
        alike.append("(c.category = ? AND c.location LIKE ? ESCAPE '!')")
        params.extend([category, like_escaped(building) + "-%"])
    rows = store.query(
        "SELECT c.case_id, c.location, c.category, c.state, c.received_at FROM rm_case_index c"
        f" WHERE c.community = ? AND c.received_at >= ? AND {OPEN} AND ({' OR '.join(alike)})"
        f" ORDER BY c.received_at DESC LIMIT {SHOWN}",
        params,
    )
    numbers = numbers_of([str(r["case_id"]) for r in rows])
    return [
        Similar(
            case_id=str(r["case_id"]),
            number=numbers.get(str(r["case_id"])),
            location=str(r["location"]),
            category=str(r["category"]),
            state=str(r["state"]),
            received_at=EPOCH + int(r["received_at"]) * MICROSECOND,
            same_location=str(r["location"]) == location,
        )
        for r in rows
    ]
