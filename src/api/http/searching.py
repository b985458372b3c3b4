"""Finding a resident's cases: by the reporter's phone number, and by words of the
description (`GET /requests?phone=&text=`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from api.http.auth import STAFF, forbidden
from api.http.fields import PlainText
from api.http.problems import ApiProblem, invalid_field
from api.http.runtime import Runtime
from api.storage.reporters import SqlReporters
from api.storage.tokens import Principal

MOST_WORDS = 5
LONGEST_WORD = 50
PHONE_SEARCHERS = STAFF  # those who see reporters: a phone number is personal data

Phone = Annotated[
    PlainText | None,
    Query(
        min_length=1,
        max_length=40,
        description="the reporter's phone number: the resident's cases, open and ended. "
        "Matched exactly as intake stored it, which is as it was sent (`138 0000 0000` "
        "does not find `13800000000`); an erased record is no longer found. Agents and "
        "supervisors only; the request log shows it as `***`",
    ),
]
Text = Annotated[
    PlainText | None,
    Query(
        max_length=500,
        description=f"words of the description, split on spaces: the cases whose "
        f"description holds every one, anywhere in it (Chinese needs no spaces: `漏水` "
        f"finds 卫生间漏水), A-Z as a-z, `%` and `_` as themselves; 1 to {MOST_WORDS} "
        f"words of 1 to {LONGEST_WORD} characters each",
    ),
]


def words_of(text: str) -> tuple[str, ...]:
    """The words of a `text` query, or a 422 problem saying what is allowed."""
    words = tuple(text.split())
    allowed = f"1 to {MOST_WORDS} words of 1 to {LONGEST_WORD} characters, split on spaces"
    if not words:
        raise _invalid_text(f"no words; allowed: {allowed}")
    if len(words) > MOST_WORDS:
        raise _invalid_text(f"{len(words)} words; allowed: {allowed}")
    for word in words:
        if len(word) > LONGEST_WORD:
            raise _invalid_text(f"a word of {len(word)} characters; allowed: {allowed}")
    return words


def _invalid_text(message: str) -> ApiProblem:
    return invalid_field("query.text", message)


def check_may_search_by_phone(who: Principal) -> None:
    if who.role not in PHONE_SEARCHERS:
        raise forbidden(who, "find cases by the reporter's phone number", PHONE_SEARCHERS)


def reporter_refs(rt: Runtime, phone: str) -> tuple[str, ...]:
    """The references of the records with this phone number, from the reporters' table
    (beside the events, where the read models cannot join it)."""
    reporters = rt.service.reporters
    if not isinstance(reporters, SqlReporters):  # the wiring always gives one
        raise TypeError(f"cannot search {type(reporters).__name__} by phone number")
    return tuple(reporters.refs_with_phone(phone))
