"""Mainland China mobile numbers and resident ID-card numbers (居民身份证号码) in free text.

A case's history is kept for good, while a reporter's name and phone live in a record
that can be erased (`workflow.personal_data`). A number typed into a description or a
note would outlive that record, so free text is searched for the two numbers that
identify a person most directly, and refused when it holds one.

The search looks for what a person would type, not for every string of digits: a longer
run of digits (an order number, a meter reading) is not a phone number, and an 18-digit
string is an ID-card number only with a birth date and the check digit of GB 11643-1999.
The old 15-digit card is not looked for: it has no check digit, those cards went out of
use long ago, and a company's old 15-digit registration number begins with a region code
and a date just as such a card's number does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

MOBILE = "a mobile phone number"
ID_CARD = "a resident ID-card number"

# 1[3-9] and nine digits, whole or grouped 3-4-4 with a space or a hyphen, perhaps after
# +86, 0086 or 86; never part of a longer run of digits, nor of a decimal fraction. Each
# pattern first looks ahead for the character it must start with: most positions of a
# text fail there, before the slower look behind.
_MOBILE = re.compile(
    r"(?=[+0-9])(?<!\d)(?<!\d\.)(?:(?:\+|00)?86[ -]?)?"
    r"(1[3-9][0-9])[ -]?([0-9]{4})[ -]?([0-9]{4})(?!\d|\.\d)"
)
# A region, a birth date (checked below), a sequence number and the check character.
_ID_CARD = re.compile(
    r"(?=[1-8])(?<!\d)([1-8][0-9]{5})((?:19|20)[0-9]{2})([01][0-9])([0-3][0-9])[0-9]{3}([0-9Xx])(?!\d)"
)
# The provinces' codes, the first two digits of a region (GB/T 2260), with those of the
# residence permits of Hong Kong, Macao and Taiwan residents.
_PROVINCES = frozenset(
    (
        *range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55),
        *range(61, 66), 71, 81, 82, 83,
    )
)  # fmt: skip
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class Found:
    """A number found: what it is, where it starts (counted from 1, in the text as typed)
    and the number masked, so that a message can point at it without repeating it."""

    what: str
    at: int
    masked: str


def check_character(first_17: str) -> str:
    """The 18th character of an ID-card number whose first 17 digits are given."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def find(text: str, *, today: date | None = None) -> Found | None:
    """The first mobile or ID-card number in `text`, or None. Full-width digits, spaces
    and hyphens count as their ASCII forms (NFKC). `today`: the latest birth date an
    ID-card number may hold (the local date by default)."""
    plain, origin = _normalised(text)
    found = [f for f in (_mobile(plain, origin), _id_card(plain, origin, today)) if f]
    return min(found, key=lambda f: f.at) if found else None


def _normalised(text: str) -> tuple[str, list[int] | range]:
    """`text` NFKC-normalised character by character, and for each character of the
    result the position of the character it came from (NFKC may make one into several)."""
    if text.isascii():  # the usual text, which NFKC leaves as it is
        return text, range(len(text))
    parts: list[str] = []
    origin: list[int] = []
    for position, char in enumerate(text):
        normal = unicodedata.normalize("NFKC", char) if not char.isascii() else char
        parts.append(normal)
        origin.extend([position] * len(normal))
    return "".join(parts), origin


def _mobile(plain: str, origin: Sequence[int]) -> Found | None:
    match = _MOBILE.search(plain)
    if match is None:
        return None
    head, middle, tail = match.groups()
    return Found(MOBILE, origin[match.start()] + 1, f"{head}{'*' * len(middle)}{tail}")


def _id_card(plain: str, origin: Sequence[int], today: date | None) -> Found | None:
    for match in _ID_CARD.finditer(plain):
        region, year, month, day, check = match.groups()
        if int(region[:2]) not in _PROVINCES:
            continue
        try:
            born = date(int(year), int(month), int(day))
        except ValueError:
            continue
        number = match.group()
        if not _EARLIEST_BIRTH <= born <= (today or date.today()):
            continue
        if check.upper() != check_character(number[:17]):
            continue
        return Found(ID_CARD, origin[match.start()] + 1, f"{number[:4]}{'*' * 12}{number[-2:]}")
    return None
