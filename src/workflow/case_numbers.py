"""Case numbers (工单号): what a resident reads out over the phone, e.g. BX-20261206-0042.

The kind's initials in pinyin (报修 BX, 投诉 TS, 装修 ZX), the local date the case was
received and its place among that day's cases of the kind, in the order they were
recorded. The storage assigns the place, once, in the transaction that records the case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from workflow.errors import InvalidInput
from workflow.vocabulary import Kind

PREFIX: dict[str, str] = {
    Kind.REPAIR.value: "BX",
    Kind.COMPLAINT.value: "TS",
    Kind.RENOVATION.value: "ZX",
}
NUMBER_PATTERN = re.compile(r"^(BX|TS|ZX)-(\d{8})-(\d{4,9})$")
NUMBER_RULE = "a case number such as BX-20261206-0042 (BX repair, TS complaint, ZX renovation)"


@dataclass(frozen=True)
class NumberSlot:
    """Where a new case's number will be: its prefix and day; the place comes at saving."""

    case_id: str
    prefix: str
    day: str  # YYYYMMDD, in the deployment's time zone

    @classmethod
    def of(cls, case_id: str, kind: str, received_at: datetime, zone: ZoneInfo) -> NumberSlot:
        return cls(case_id, PREFIX[kind], received_at.astimezone(zone).strftime("%Y%m%d"))


def case_number(prefix: str, day: str, place: int) -> str:
    return f"{prefix}-{day}-{place:04d}"


def parse_number(text: str) -> tuple[str, str, int]:
    """(prefix, day, place) of a well-formed number, or InvalidInput saying what one is."""
    found = NUMBER_PATTERN.fullmatch(text.strip().upper()) if isinstance(text, str) else None
    if found is None:
        raise InvalidInput("number", f"{text!r} is not {NUMBER_RULE}")
    prefix, day, place = found.groups()
    try:
        date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        raise InvalidInput("number", f"{text!r} has no such date; {NUMBER_RULE}") from None
    return prefix, day, int(place)
