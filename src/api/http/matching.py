"""Conditions on the case index (`c`) for finding a resident's cases, shared by the API's
list and the console's queue: a location and every unit under it, words of the
description. Patterns are escaped: what is searched for is matched as itself."""

from __future__ import annotations

from typing import Any


def like_escaped(text: str) -> str:
    """`text` matched as itself in a LIKE pattern (with ESCAPE '!'): its wildcards are not
    wildcards."""
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def under_location(prefix: str) -> tuple[str, list[Any]]:
    """The location and every unit under it, segment by segment: `3-2` finds `3-2` and
    `3-2-1201`, never `3-20-101`."""
    return "(c.location = ? OR c.location LIKE ? ESCAPE '!')", [prefix, like_escaped(prefix) + "-%"]


def holding_words(words: tuple[str, ...]) -> list[tuple[str, list[Any]]]:
    """One condition per word: anywhere in the description, both sides folded by the
    database itself so that they fold alike (A-Z as a-z)."""
    return [
        ("LOWER(c.description) LIKE LOWER(?) ESCAPE '!'", [f"%{like_escaped(word)}%"])
        for word in words
    ]
