"""Times as the command line prints them: in the deployment's time zone, with the offset.

Tables show seconds (`2026-11-20 09:00:00+08:00`); JSON keeps every digit
(`2026-11-20T09:00:00.123456+08:00`), so that a recorded time copied into --as-of finds
the event recorded then.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_text(moment: datetime | str | None, zone: ZoneInfo) -> str:
    """For people: to the second. A stored ISO 8601 string is converted too; None is ''."""
    found = _moment(moment)
    return "" if found is None else found.astimezone(zone).isoformat(" ", "seconds")


def local_iso(moment: datetime | str | None, zone: ZoneInfo) -> str | None:
    """For machines: ISO 8601 with the offset, to the microsecond."""
    found = _moment(moment)
    return None if found is None else found.astimezone(zone).isoformat()


def _moment(moment: datetime | str | None) -> datetime | None:
    return datetime.fromisoformat(moment) if isinstance(moment, str) else moment
