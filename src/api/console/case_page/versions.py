"""The versions the as-of slider moves over: version v stands for the instant event v was
recorded, the instant the page is then shown as of."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from starlette.requests import Request

from projections.calendar import SHANGHAI
from workflow.events import CaseEvent


@dataclass(frozen=True)
class Tick:
    version: int
    topic: str
    recorded_at: datetime


def ticks(events: Sequence[CaseEvent]) -> list[Tick]:
    return [Tick(e.originator_version, e.TOPIC, e.timestamp) for e in events]


def exact(moment: datetime) -> str:
    """An instant for `as_of` to the microsecond, in Asia/Shanghai: a recorded time cut to
    the second would fall before its own event."""
    return moment.astimezone(SHANGHAI).isoformat(timespec="microseconds")


def as_of_links(request: Request, found: Sequence[Tick]) -> list[tuple[Tick, str]]:
    """Each version with the address of this page as of its recorded instant, the other
    query parameters kept. Built once, not per version: a case may have hundreds."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in MOVED]
    prefix = request.url.path + "?" + (urlencode(kept) + "&" if kept else "") + "as_of="
    return [(t, prefix + quote(exact(t.recorded_at), safe="")) for t in found]


MOVED = ("as_of", "at_version")  # what a version's link replaces
