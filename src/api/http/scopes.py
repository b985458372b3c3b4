"""A token's communities: outside them, nothing exists for it.

A case of another community answers as an unknown case does (404), so that no answer
tells whether it exists. Naming another community outright (a new request for it, a
filter or a report on it) answers 403 `community-not-allowed`, with the token's own
communities: the code is the caller's own words, and the answer is the same whether or
not such a community exists.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from api.http.problems import ApiProblem
from api.storage.tokens import Principal
from workflow.case import Case
from workflow.commands import Guard
from workflow.communities import community_code, known_communities
from workflow.errors import CaseNotFound


def community_not_allowed(who: Principal, code: str) -> ApiProblem:
    mine = ", ".join(sorted(who.communities or ()))
    return ApiProblem(
        403,
        "community-not-allowed",
        "Community not allowed",
        f"this token acts for the communities {mine} only, not for {code!r}",
    )


def whole_company_only(who: Principal, action: str) -> ApiProblem:
    return ApiProblem(
        403,
        "community-not-allowed",
        "Community not allowed",
        f"a token for some communities may not {action}; it takes a token for all of them "
        "(propdesk token new NAME --role admin --all-communities)",
    )


def check_in_scope(who: Principal, case: Case) -> None:
    """CaseNotFound, as for a missing case, when the case is outside the token's scope."""
    if not who.sees(case.community):
        raise CaseNotFound(case.id)


def scope_guard(who: Principal) -> Guard | None:
    """The scope as a command's guard, checked on the version the command saves."""
    if who.communities is None:
        return None

    def guard(case: Case) -> None:
        check_in_scope(who, case)

    return guard


def own_community(who: Principal, requested: str | None) -> str | None:
    """The community a new request of this token is for: the one it names, which must be
    in scope, or, left out, the token's only community."""
    if who.communities is None:
        return requested
    if requested is None:
        return next(iter(who.communities)) if len(who.communities) == 1 else None
    if requested not in who.communities:
        raise community_not_allowed(who, requested)
    return requested


def communities_for(
    who: Principal,
    requested: Sequence[str] | None,
    registered: Collection[str] | None = None,
) -> tuple[str, ...] | None:
    """The communities a list or report counts: those requested, each in scope (and, when
    `registered` is given, registered), or the whole scope; None: every community."""
    if who.communities is None:
        if not requested:
            return None
        if registered is None:
            return tuple(dict.fromkeys(requested))
        return known_communities(requested, registered)
    if not requested:
        return tuple(sorted(who.communities))
    chosen = tuple(dict.fromkeys(community_code(code) for code in requested))
    for code in chosen:
        if code not in who.communities:
            raise community_not_allowed(who, code)
    return chosen
