"""Query parameters of console pages, as typed into forms: a refusal names the field, says
what was wrong and what is allowed, and answers 422 as the API does."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime

from api.http.problems import ApiProblem
from projections.calendar import SHANGHAI

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def refused(field: str, detail: str) -> ApiProblem:
    return ApiProblem(422, "invalid-input", "Invalid input", f"query.{field}: {detail}")


def blank(text: str | None) -> bool:
    return text is None or not text.strip()


def moment(field: str, text: str | None, *, now: datetime | None = None) -> datetime | None:
    """An instant: ISO 8601 with an offset, or without one (as a form's date-time field
    sends it), read in Asia/Shanghai. Not before 2000, not in the future."""
    if text is None or blank(text):
        return None
    try:
        found = datetime.fromisoformat(text.strip()[:40])
    except ValueError:
        raise refused(
            field, f"{text[:40]!r} is not a date and time such as 2026-12-01T09:30"
        ) from None
    if found.tzinfo is None:
        found = found.replace(tzinfo=SHANGHAI)
    now = now or datetime.now(UTC)
    if not EARLIEST <= found <= now:
        raise refused(field, "a moment between 2000-01-01 and now")
    return found


def day(field: str, text: str | None) -> date | None:
    if text is None or blank(text):
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise refused(field, f"{text[:20]!r} is not a day such as 2026-12-01") from None


def one_of(field: str, text: str | None, allowed: Collection[str]) -> str | None:
    if text is None or blank(text):
        return None
    value = text.strip()
    if value not in allowed:
        shown = ", ".join(sorted(allowed))
        raise refused(field, f"{value[:40]!r} is not one of: {shown}")
    return value


def whole(field: str, text: str | None, low: int, high: int, default: int) -> int:
    if text is None or blank(text):
        return default
    try:
        value = int(text.strip()[:12])
    except ValueError:
        raise refused(field, f"{text[:20]!r} is not a whole number") from None
    if not low <= value <= high:
        raise refused(field, f"{value} is outside {low}..{high}")
    return value


def short(field: str, text: str | None, limit: int = 200) -> str | None:
    if text is None or blank(text):
        return None
    value = text.strip()
    if len(value) > limit or any(ord(c) < 32 for c in value):
        raise refused(field, f"at most {limit} characters, no control characters")
    return value
