"""A command sent from a case page's form: checked as the API checks its body, sent as
the API sends it (the same roles, scope guard, backdating rule and If-Match rule), or
refused with what was wrong, next to the input it concerns.

The form carries the case version it was rendered from; a case changed since is a
conflict, never a command decided on what the sender did not see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from api.console.actions.forms import Failure
from api.console.i18n import N_
from api.console.refusals import field_problem
from api.http import bodies
from api.http.auth import forbidden
from api.http.handlers import field_message
from api.http.reading import command_guard
from api.http.runtime import Runtime
from api.storage.tokens import Principal
from workflow.declaration import Command
from workflow.errors import ConcurrencyConflict, InvalidInput
from workflow.recorded import Recorded

VERSION_FIELD = "version"
NO_VERSION = N_("The form carries no case version; reload the page and send it again.")


@dataclass(frozen=True)
class Conflict:
    """The case moved on after the form was rendered: nothing was sent."""

    seen: int | None  # the version the form was rendered from


Outcome = Recorded | Failure | Conflict


def entered(command: Command, form: Mapping[str, str]) -> dict[str, str]:
    """The command's inputs as typed; an optional input left empty is not sent."""
    given = {}
    for spec in command.inputs.fields:
        value = form.get(spec.name, "")
        if value.strip() or spec.required:
            given[spec.name] = value
    return given


def send(
    rt: Runtime,
    who: Principal,
    case_id: UUID,
    command: Command,
    form: Mapping[str, str],
    language: str,
) -> Outcome:
    """`language`: the visitor's, for the refusals the console words itself."""
    if who.role not in command.roles:
        raise forbidden(who, command.name.replace("_", " "), command.roles)
    typed = {name: form.get(name, "") for name in command.inputs.names()}
    seen = _version(form.get(VERSION_FIELD))
    if seen is None:
        return Failure(command.name, typed, message=NO_VERSION)
    # In the order a person reads the page: a case that moved on first (what they typed
    # was decided on what they saw), then a command its state refuses, then the inputs.
    # The service checks a sent command in that order itself; inputs its body model refuses
    # are reported after the same checks, made on the case loaded for them.
    guard = command_guard(who)
    try:
        body = bodies.body_of(command).model_validate(entered(command, form))
    except ValidationError as invalid:
        case = rt.service.get(case_id)
        if guard is not None:
            guard(case)
        if case.version != seen:
            return Conflict(seen)
        case.check(command.name)
        return Failure(command.name, typed, _field_errors(invalid))
    try:
        return rt.service.send(
            command,
            case_id,
            actor=who.name,
            fields=body.arguments(),
            expected_version=seen,
            backdating=rt.backdating[who.role],
            guard=guard,
        )
    except ConcurrencyConflict:
        return Conflict(seen)
    except InvalidInput as refused:
        if refused.field in typed:
            return Failure(command.name, typed, {refused.field: field_problem(language, refused)})
        return Failure(command.name, typed, message=str(refused))


def _version(sent: str | None) -> int | None:
    if sent is None or not sent.isascii() or not sent.isdigit() or len(sent) > 18:
        return None
    return int(sent)


def _field_errors(invalid: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in invalid.errors():
        where = str(problem["loc"][0]) if problem["loc"] else ""
        errors.setdefault(where, field_message(dict[str, Any](problem)))
    return errors
