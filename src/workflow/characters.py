"""Characters no record accepts, and the letters and digits that structured fields are made of.

A record is read on screens, in terminals, spreadsheets and the analysts' feed. A
bidirectional override reorders what the reader sees (a name can display as another),
a zero-width character makes two different values look alike, and a control character
corrupts terminals and logs (a NUL cannot even be stored in PostgreSQL text).
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
BIDI_OVERRIDES = r"\u202a-\u202e\u2066-\u2069"  # embeddings, overrides and isolates
ZERO_WIDTH = r"\u200b-\u200d\u2060\ufeff"
LINE_BREAKS = r"\n\r\u2028\u2029"

NEVER = re.compile(f"[{CONTROLS}{BIDI_OVERRIDES}{ZERO_WIDTH}]")
NOT_ON_ONE_LINE = re.compile(f"[{CONTROLS}{BIDI_OVERRIDES}{ZERO_WIDTH}{LINE_BREAKS}\t]")

_KINDS = (
    (re.compile(f"[{BIDI_OVERRIDES}]"), "a bidirectional override"),
    (re.compile(f"[{ZERO_WIDTH}]"), "a zero-width character"),
    (re.compile(f"[{LINE_BREAKS}]"), "a line break"),
    (re.compile(r"\t"), "a tab"),
)


def code_point(char: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`; control characters have no name."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def _kind(char: str) -> str:
    return next((kind for pattern, kind in _KINDS if pattern.match(char)), "a control character")


_RULE = {
    True: "text may hold tabs and line breaks, but no control, zero-width or bidirectional "
    "override characters",
    False: "this field is one line of text, with no tabs, line breaks, control, zero-width or "
    "bidirectional override characters",
}


def forbidden(value: str, *, lines: bool) -> str | None:
    """What is wrong with `value`'s characters, or None. `lines`: tabs and line breaks
    are allowed (in long texts); otherwise the text must be one line."""
    found = (NEVER if lines else NOT_ON_ONE_LINE).search(value)
    if found is None:
        return None
    char = found.group()
    where = f"{code_point(char)} ({_kind(char)}) at character {found.start() + 1}"
    return f"contains {where}; remove it: {_RULE[lines]}"


def is_letter_or_digit(char: str) -> bool:
    """A Unicode letter, a combining mark (which some scripts' letters need), or a decimal
    digit of any script."""
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd"


def first_outside(value: str, punctuation: str) -> int | None:
    """The position of the first character that is neither a letter or digit nor one of
    `punctuation`, or None when there is none."""
    for position, char in enumerate(value):
        if char not in punctuation and not is_letter_or_digit(char):
            return position
    return None
