"""Validation of command inputs: every rejection names the field and what is allowed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation

from workflow.characters import NEVER, NOT_ON_ONE_LINE, forbidden
from workflow.errors import InvalidInput, InvalidTime, PersonalNumberInText
from workflow.personal_numbers import find

SHORT_TEXT = 200
LONG_TEXT = 4000
CLOCK_SKEW = timedelta(minutes=2)

# A household unit: building-entrance-room, e.g. 3-2-1201.
HOUSEHOLD = re.compile(r"^\d{1,3}-\d{1,2}-\d{1,5}$")
# No service request predates this; older times are typing mistakes.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def text(field: str, value: object, *, limit: int = SHORT_TEXT, required: bool = True) -> str:
    """Free text, trimmed. A long text (limit above SHORT_TEXT) may hold tabs and line
    breaks; a short one is one line. No text holds control, zero-width or bidirectional
    override characters (`characters.forbidden`), wherever they stand."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(field, f"must be text, got {type(value).__name__}")
    lines = limit > SHORT_TEXT
    if (NEVER if lines else NOT_ON_ONE_LINE).search(value):
        raise InvalidInput(field, str(forbidden(value, lines=lines)))
    cleaned = value.strip()
    if required and not cleaned:
        raise InvalidInput(field, "must not be empty")
    if len(cleaned) > limit:
        raise InvalidInput(field, f"is {len(cleaned)} characters long; at most {limit} allowed")
    return cleaned


def free_text(field: str, value: object, *, limit: int = SHORT_TEXT, required: bool = True) -> str:
    """Free text the case's history keeps (a description, a note, a reason): `text`, with
    no mobile or resident ID-card number in it (`personal_numbers`), which belongs in the
    reporter's record instead."""
    cleaned = text(field, value, limit=limit, required=required)
    refuse_personal_numbers(field, value if isinstance(value, str) else "")
    return cleaned


def refuse_personal_numbers(field: str, value: str) -> None:
    """PersonalNumberInText when `value` holds a mobile or ID-card number; its position is
    counted in `value` as typed, as the position of a forbidden character is."""
    found = find(value)
    if found is not None:
        raise PersonalNumberInText(field, found.what, found.at, found.masked)


def choice(field: str, value: object, allowed: Iterable[str]) -> str:
    options = tuple(allowed)
    if not isinstance(value, str) or value not in options:
        raise InvalidInput(field, f"unknown value {value!r}; allowed: {', '.join(options)}")
    return value


def money(field: str, value: object) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(field, f"{value!r} is not an amount of money") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(field, f"{value!r} must be a finite amount of at least 0")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput(field, f"{value!r} has more than two decimal places")
    if amount > Decimal("100000000"):
        raise InvalidInput(field, f"{value!r} is above the limit of 100000000")
    return amount.quantize(Decimal("0.01"))


def instant(field: str, value: datetime | str) -> datetime:
    """A timezone-aware instant, from a datetime or an ISO 8601 string with an offset."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise InvalidTime(
                field, f"{value!r} is not an ISO 8601 time, e.g. 2026-05-04T09:30:00+08:00"
            ) from None
    if not isinstance(value, datetime):
        raise InvalidTime(field, f"must be a time, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidTime(field, f"{value.isoformat()} has no UTC offset; add one, e.g. +08:00")
    if value < EARLIEST:
        raise InvalidTime(field, f"{value.isoformat()} is before 2000-01-01; check the year")
    return value


def occurrence(
    value: datetime | str | None, *, now: datetime, not_before: datetime | None
) -> datetime:
    """When a command happened: now by default, never in the future, never out of order."""
    if value is None:
        at = now
    else:
        at = instant("at", value)
        if at > now + CLOCK_SKEW:
            raise InvalidTime(
                "at",
                f"{at.isoformat()} is in the future (now is {now.isoformat()}); "
                "record what has happened, not what will",
            )
    if not_before is not None and at < not_before:
        if value is None:
            # The case's last event came from a clock slightly ahead of ours.
            return not_before
        raise InvalidTime(
            "at",
            f"{at.isoformat()} is earlier than the case's previous event "
            f"at {not_before.isoformat()}; events are recorded in the order they happened",
        )
    return at


# A date and a time of day at least: never a bare date, never a number read as a Unix time.
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def known_instant(field: str, value: object, *, now: datetime, zone: tzinfo | None) -> datetime:
    """An as-of time, by the one rule of the HTTP API and the command line: ISO 8601 text
    with a date and a time, from 2000 to now (clock skew allowed). Without an offset it is
    read in `zone`; with no zone an offset is required."""
    text = value.strip() if isinstance(value, str) else ""
    malformed = InvalidTime(
        field, f"{value!r:.60} is not an ISO 8601 date and time, e.g. 2026-05-04T09:30:00+08:00"
    )
    if not ISO_TIME.match(text):
        raise malformed
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise malformed from None
    if moment.tzinfo is None:
        if zone is None:
            raise InvalidTime(field, f"{text} has no UTC offset; add one, e.g. +08:00")
        moment = moment.replace(tzinfo=zone)
    if moment < EARLIEST:
        raise InvalidTime(field, f"{moment.isoformat()} is before 2000; check the year")
    if moment > now + CLOCK_SKEW:
        raise InvalidTime(
            field,
            f"{moment.isoformat()} is in the future; nothing is known then yet (omit it for now)",
        )
    return moment


def area_of(location: str) -> str:
    """Household units are in-home (户内); anything else is a common area (公区)."""
    return "in_home" if HOUSEHOLD.match(location) else "common"


CALLBACK_OUTCOMES = ("satisfied", "basically_satisfied", "unsatisfied", "unreachable")
