"""Communities (项目 / 小区): every case belongs to one.

A deployment keeps its communities elsewhere (the storage's directory); intake only needs
to know which codes exist, to refuse a case for a community that does not.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Protocol

from workflow.errors import InvalidInput

# Cases stored before communities existed belong to this one, and a fresh deployment has
# it, so that a company with one community never has to name it.
DEFAULT_COMMUNITY = "default"
CODE_PATTERN = re.compile(r"^[a-z0-9-]{1,40}$")
CODE_RULE = "1-40 lowercase letters, digits and '-', e.g. sunny-garden"
WHERE_LISTED = "GET /communities lists the communities you may use"


class CommunityDirectory(Protocol):
    def codes(self) -> Collection[str]:
        """The codes of every registered community."""
        ...

    def refresh(self) -> Collection[str]:
        """The codes, read again from the storage (another process may have added one)."""
        ...


class OnlyTheDefault:
    """The directory of a deployment that has registered none: embedding code and tests."""

    def codes(self) -> Collection[str]:
        return (DEFAULT_COMMUNITY,)

    def refresh(self) -> Collection[str]:
        return self.codes()


def community_code(value: object) -> str:
    """A well-formed community code, or InvalidInput saying what is allowed."""
    if not isinstance(value, str) or not CODE_PATTERN.fullmatch(value):
        raise InvalidInput("community", f"{value!r} is not a community code; {CODE_RULE}")
    return value


def resolve(requested: str | None, directory: CommunityDirectory) -> str:
    """The community a new case belongs to. It may be left out only where the deployment
    has one community; a code must be registered."""
    if requested is None:
        known = directory.codes()
        if len(known) != 1:
            known = directory.refresh()
        if len(known) == 1:
            return next(iter(known))
        raise InvalidInput(
            "community",
            f"required: this deployment has {len(known)} communities; {WHERE_LISTED}",
        )
    known = directory.codes()
    if requested not in known:
        known = directory.refresh()
    return known_communities([requested], known)[0]


def known_communities(given: Sequence[str], registered: Collection[str]) -> tuple[str, ...]:
    """The codes given, each once, in order; InvalidInput names one that is not registered
    (a filter on a misspelt code would count nothing, and say nothing)."""
    chosen = tuple(dict.fromkeys(community_code(code) for code in given))
    for code in chosen:
        if code not in registered:
            raise InvalidInput("community", f"unknown community {code!r}; {WHERE_LISTED}")
    return chosen
