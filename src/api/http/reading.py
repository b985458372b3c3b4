"""Shared parts of the read routes: parameters, read-your-writes, loading a case for a caller."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, cast
from uuid import UUID, uuid5

from fastapi import Depends, Path, Query, Request

from api.http.auth import SEES_PERSONAL_DATA
from api.http.fields import KnownMoment
from api.http.models import Reporter
from api.http.problems import ApiProblem
from api.http.runtime import Runtime
from api.http.scopes import check_in_scope, scope_guard
from api.storage.tokens import Principal, Role
from projections.store import UPSTREAM
from workflow import personal_data
from workflow.case import Case
from workflow.case_numbers import NUMBER_RULE
from workflow.commands import Guard
from workflow.errors import CaseNotFound, InvalidInput
from workflow.events import CaseEvent

# The namespace of the ids that stand for numbers no case has.
NO_CASE = UUID("5d0c4a52-8f0e-4c3e-9a55-6e6f2d636173")


def case_id_of(
    case_id: Annotated[
        str,
        Path(
            max_length=64,
            description="the case id, or its number (工单号) such as BX-20261206-0042",
            examples=["0b9e4f7a-3c2d-5e1f-8a6b-9c0d1e2f3a4b"],
        ),
    ],
    request: Request,
) -> UUID:
    """The id of the case a path names by its id or by its number: an unknown number is
    answered as an unknown id is, 404."""
    with contextlib.suppress(ValueError):
        return UUID(case_id)
    runtime: Runtime = request.app.state.runtime
    try:
        found = runtime.numbers.case_of(case_id)
    except InvalidInput:
        raise ApiProblem(
            422,
            "invalid-input",
            "Invalid input",
            f"path.case_id: {case_id[:64]!r} is neither a case id (a UUID) nor {NUMBER_RULE}",
        ) from None
    if found is None:
        # Not answered here: this runs before the token is checked, and a 404 here against
        # a 401 or 403 for a number in use would tell anyone which numbers are. An id no
        # case has goes on, to be answered after the checks as any missing case is.
        return uuid5(NO_CASE, case_id.upper())
    return UUID(found)


CaseId = Annotated[UUID, Depends(case_id_of)]
MinPosition = Annotated[
    int | None,
    Query(
        ge=0,
        le=2**62,
        description="wait (a few seconds at most) until the read models have reached this "
        "log position, e.g. a write's X-Event-Position, to read your own writes",
    ),
]
AsOf = Annotated[
    KnownMoment | None,
    Query(description="ISO 8601 time with an offset (URL-encode the +): what was known then"),
]


def await_the_head(rt: Runtime) -> None:
    """Give the read models a bounded wait to reach the log's head, and go on whether they
    did or not: for answers that are complete either way, only better when current."""
    with contextlib.suppress(ApiProblem):
        await_position(rt, rt.head())


def await_position(rt: Runtime, min_position: int | None) -> None:
    """Return once the read models have reached `min_position`; 503 if they do not in time."""
    if not min_position or rt.store.position() >= min_position:
        return
    head = rt.head()
    if min_position > head:
        raise ApiProblem(
            422,
            "invalid-input",
            "Invalid input",
            f"min_position {min_position} is beyond the end of the event log ({head}); "
            "pass a position the API gave you (X-Event-Position)",
        )
    try:
        rt.store.wait(UPSTREAM, min_position, timeout=rt.config.read_wait)
    except TimeoutError:
        # Asked only now, after the wait: a read that waits in vain is rare.
        if rt.follower_running() is False:
            raise ApiProblem(
                503,
                "no-follower",
                "No read-model follower",
                f"the read models are at position {rt.store.position()}, not yet "
                f"{min_position}, and no read-model follower is running: start `propdesk "
                "serve` (without --no-follow) or `propdesk projections run` on this database",
            ) from None
        raise ApiProblem(
            503,
            "read-models-behind",
            "Read models behind",
            f"the read models are at position {rt.store.position()}, not yet {min_position}; "
            "retry shortly",
            headers={"Retry-After": "1"},
        ) from None


@dataclass(frozen=True)
class Loaded:
    case: Case
    events: list[CaseEvent]

    @property
    def creator(self) -> str:
        """The token (or staff member) that recorded the intake."""
        return self.events[0].actor


def load(rt: Runtime, case_id: UUID, as_of: datetime | None = None) -> Loaded:
    """The case (as known at `as_of`, or now) and its events up to that version."""
    case = rt.service.as_of(case_id, as_of) if as_of else rt.service.get(case_id)
    found = rt.service.repository.event_store.get(case.id, lte=case.version)
    return Loaded(case, [cast(CaseEvent, e) for e in found])


def assigned_to(worker: str) -> Guard:
    """A worker token's condition on a case: assigned to it. Any other case answers as one
    that does not exist, so that no answer tells whether someone else's case exists."""

    def guard(case: Case) -> None:
        if case.assignee != worker:
            raise CaseNotFound(case.id)

    return guard


def command_guard(who: Principal) -> Guard | None:
    """What a command by this caller checks on the case it saves: in the token's scope,
    and for a worker, assigned to it."""
    in_scope = scope_guard(who)
    if who.role is not Role.WORKER:
        return in_scope
    assigned = assigned_to(who.name)
    if in_scope is None:
        return assigned

    def guard(case: Case) -> None:
        in_scope(case)
        assigned(case)

    return guard


def check_can_read(rt: Runtime, who: Principal, loaded: Loaded, as_of: datetime | None) -> None:
    """CaseNotFound, as for a missing case, unless the caller may read this one."""
    check_in_scope(who, loaded.case)
    if who.role is Role.CHANNEL and loaded.creator != who.name:
        raise CaseNotFound(loaded.case.id)
    if who.role is Role.WORKER:
        # The assignment now, also for an earlier version: a worker the case was taken from
        # no longer reads it, not even as it stood while it was theirs.
        now = loaded.case if as_of is None else rt.service.get(loaded.case.id)
        assigned_to(who.name)(now)


def sees_reporter(who: Principal, case: Case) -> bool:
    """Staff see the reporter of every case; a worker that of a case assigned to it, to call
    before the visit."""
    if who.role is Role.WORKER:
        return case.assignee == who.name
    return who.role in SEES_PERSONAL_DATA


def reporter_for(rt: Runtime, who: Principal, case: Case) -> Reporter | None:
    if case.reporter_ref is None or not sees_reporter(who, case):
        return None
    return _shown(rt.service.reporters.get(case.reporter_ref))


def visible_reporter(who: Principal, found: personal_data.Reporter | None) -> Reporter | None:
    """The reporter of a new request as its creator may see it: staff only."""
    return _shown(found) if who.role in SEES_PERSONAL_DATA else None


def _shown(found: personal_data.Reporter | None) -> Reporter | None:
    return None if found is None else Reporter(name=found.name, phone=found.phone)
