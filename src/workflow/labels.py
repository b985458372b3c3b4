"""Staff names, teams, locations and permit numbers: the short texts that say who and where.

They reach the analysts' event feed, so each is a small vocabulary of letters, digits and
a little punctuation that leaves no room for free text: a resident's name or phone number
cannot ride along. Letters and digits are Unicode's (张伟, 工程部, 3号楼大堂). Each value
is NFC-normalised before it is checked, and the normalised form is what is recorded, so
one name typed two ways is one name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from workflow.characters import first_outside, forbidden, is_letter_or_digit
from workflow.errors import InvalidInput
from workflow.inputs import HOUSEHOLD

# Seven digits or more with nothing but spaces or punctuation between them: a phone
# number (a landline without its area code has seven), however it is written.
PHONE = r"\d(?:[ ._/-]*\d){6,}"
PHONE_LIKE = re.compile(PHONE)
# A staff name, and a household unit, as intake mostly meets them: plain ASCII, already
# trimmed, in one regular expression each (the whole rule for such text).
_ASCII_NAME = re.compile(f"(?!.*{PHONE})[A-Za-z0-9][A-Za-z0-9._-]{{0,63}}")
_ASCII_HOUSEHOLD = re.compile(r"[0-9]{1,3}-[0-9]{1,2}-[0-9]{1,5}")


@dataclass(frozen=True)
class Label:
    """One vocabulary: letters and digits, `punctuation`, at most `limit` characters,
    starting with a letter or digit."""

    punctuation: str
    limit: int
    allowed: str  # the rule in words, with examples: every refusal repeats it
    ascii: re.Pattern[str]  # its characters, for ASCII text: the common case, checked fast
    spaces: bool = False  # a run of whitespace becomes one space
    phone_numbers: bool = False  # a run of digits as long as a phone number is allowed
    # Fullwidth letters, circled digits, ligatures: a name written with them looks like
    # another name (ｄｅｓｋ-zhang, desk-zhang) but is not the same.
    compatibility_forms: bool = True

    def check(self, field: str, value: object) -> str:
        """The value, normalised, or InvalidInput saying what is wrong and what is allowed."""
        return self.judge(field, self.clean(field, value))

    def clean(self, field: str, value: object) -> str:
        """The value NFC-normalised and trimmed (whitespace runs made one space, where
        spaces are allowed), once its characters are known to be allowed in a record."""
        if not isinstance(value, str):
            raise InvalidInput(field, f"must be text, got {type(value).__name__}; {self.allowed}")
        problem = forbidden(value, lines=False)
        if problem:
            raise InvalidInput(field, problem)
        cleaned = unicodedata.normalize("NFC", value)
        return " ".join(cleaned.split()) if self.spaces else cleaned.strip()

    def judge(self, field: str, cleaned: str) -> str:
        """A cleaned value, if it keeps to the vocabulary."""
        if not cleaned:
            raise InvalidInput(field, f"must not be empty; {self.allowed}")
        if len(cleaned) > self.limit:
            raise InvalidInput(field, f"is {len(cleaned)} characters long; {self.allowed}")
        if not (cleaned.isascii() and self.ascii.fullmatch(cleaned)):
            self._explain(field, cleaned)
        if not self.phone_numbers:
            digits = PHONE_LIKE.search(cleaned)
            if digits:
                raise InvalidInput(
                    field,
                    f"has a phone-like run of {sum(c.isdigit() for c in digits.group())} digits "
                    f"at character {digits.start() + 1}; personal data has no place here "
                    f"(a reporter's phone goes in reporter.phone); {self.allowed}",
                )
        return cleaned

    def _explain(self, field: str, cleaned: str) -> None:
        if not is_letter_or_digit(cleaned[0]):
            raise InvalidInput(field, f"starts with {cleaned[0]!r}; {self.allowed}")
        position = first_outside(cleaned, self.punctuation)
        if position is not None:
            raise InvalidInput(
                field,
                f"has {_shown(cleaned[position])} at character {position + 1}; {self.allowed}",
            )
        if not (self.compatibility_forms or unicodedata.is_normalized("NFKC", cleaned)):
            position, char = next(
                (n, c) for n, c in enumerate(cleaned) if unicodedata.normalize("NFKC", c) != c
            )
            plain = unicodedata.normalize("NFKC", char)
            raise InvalidInput(
                field,
                f"has {_shown(char)} at character {position + 1}, a compatibility form of "
                f"{plain!r}: write {plain!r}; {self.allowed}",
            )

    def passes(self, value: object) -> bool:
        try:
            self.check("", value)
        except InvalidInput:
            return False
        return True


NAME = Label(
    punctuation="-_.",
    limit=64,
    allowed="a staff name is 1-64 letters, digits, '-', '_' or '.', starting with a letter "
    "or digit, e.g. desk-zhang or 张伟",
    ascii=re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*"),
    compatibility_forms=False,
)
TEAM = Label(
    punctuation=" -_.",
    limit=64,
    allowed="a team is 1-64 letters, digits, spaces, '-', '_' or '.', starting with a letter "
    "or digit, e.g. engineering or 工程部",
    ascii=re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]*"),
    spaces=True,
)
COMMON_AREA = Label(
    punctuation=" -",
    limit=40,
    allowed="a location is a household unit building-entrance-room in digits, e.g. 3-2-1201, "
    "or a common area of 1-40 letters, digits, spaces and '-', starting with a letter or "
    "digit, e.g. north gate or 3号楼大堂",
    ascii=re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]*"),
    spaces=True,
)
PERMIT_NO = Label(
    punctuation="-/",
    limit=40,
    allowed="a permit number is 1-40 letters, digits, '-' or '/', starting with a letter or "
    "digit, e.g. ZX-2026-0042",
    ascii=re.compile(r"[A-Za-z0-9][A-Za-z0-9/-]*"),
    phone_numbers=True,  # its serial numbers and dates are long runs of digits
)


def _shown(char: str) -> str:
    return f"{char!r} ({unicodedata.name(char, 'unnamed')})"


def name(field: str, value: object) -> str:
    """A staff member or integration: an actor, a receiver, an assignee, a token's name."""
    if isinstance(value, str) and _ASCII_NAME.fullmatch(value):
        return value
    return NAME.check(field, value)


def team(value: object) -> str | None:
    """An optional team or department; blank means none."""
    if value is None:
        return None
    cleaned = TEAM.clean("team", value)
    return TEAM.judge("team", cleaned) if cleaned else None


def location(value: object) -> str:
    """A household unit, as `HOUSEHOLD` has always accepted, or a common area."""
    if isinstance(value, str) and _ASCII_HOUSEHOLD.fullmatch(value):
        return value
    cleaned = COMMON_AREA.clean("location", value)
    if HOUSEHOLD.match(cleaned):
        return cleaned
    return COMMON_AREA.judge("location", cleaned)


def permit_no(value: object) -> str:
    return PERMIT_NO.check("permit_no", value)
