"""What a command's declaration says: the one place a command is described as data.

The HTTP routes and their request bodies, who may send what, the table of commands in the
docs, the application service's command methods and the tests' drivers are all made from
the declarations (`workflow.declared`); the aggregate's method and the event it records
stay hand-written, as the domain logic they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from workflow.inputs import LONG_TEXT, SHORT_TEXT
from workflow.roles import Role

if TYPE_CHECKING:
    from workflow.events import CaseEvent
    from workflow.vocabulary import Kind


class Value(StrEnum):
    """What an input holds, which sets its type and limits wherever it is sent."""

    LINE = "line"  # one line of text
    TEXT = "text"  # free text: tabs and line breaks allowed
    MONEY = "money"  # yuan, at most two decimal places
    CHOICE = "choice"  # one of a closed vocabulary


LIMITS = {Value.LINE: SHORT_TEXT, Value.TEXT: LONG_TEXT}


@dataclass(frozen=True)
class Input:
    """One input of a command, as the aggregate's method names its parameter.

    An input may take the name of `note`, which every command may carry: the command's
    own declaration then sets its limits and whether it is required, and its method puts
    it in the note every event has."""

    name: str
    value: Value
    description: str
    example: str | None = None
    required: bool = True
    default: str | None = None  # what an optional input is when omitted (None: nothing)
    choices: type[StrEnum] | None = None  # the vocabulary of a CHOICE

    @property
    def limit(self) -> int | None:
        """The most characters a text may hold."""
        return LIMITS.get(self.value)


@dataclass(frozen=True)
class Inputs:
    """The inputs of a command; several commands may take the same ones (hold and cancel
    take a reason). The name is the set's own: the HTTP API calls its body `{name}In`."""

    name: str
    fields: tuple[Input, ...] = ()

    def names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)


NO_INPUTS = Inputs("Command")


@dataclass(frozen=True)
class Route:
    """How a command is sent over HTTP when not as `POST /requests/{id}/{wire_name}`: a
    method and a path under the case (`DELETE /requests/{id}/reporter`). A command sent so
    takes no body: it may have no inputs."""

    method: str
    path: str


@dataclass(frozen=True)
class Command:
    """One command on a case.

    `name` is the aggregate's method and the lifecycle tables' trigger; the kinds a command
    applies to are the kinds whose table has that trigger. A worker may send a command
    only on the cases assigned to it.
    """

    name: str
    summary: str  # English, with the Chinese term where the trade has one
    event: type[CaseEvent]  # what the aggregate records when the command succeeds
    roles: tuple[Role, ...]  # who may send it, in the order a refusal lists them
    inputs: Inputs = NO_INPUTS
    route: Route | None = None  # None: POST /requests/{id}/{wire_name}

    def __post_init__(self) -> None:
        if self.route is not None and self.inputs.fields:
            raise ValueError(f"{self.name}: a command sent without a body takes no inputs")

    @property
    def http_method(self) -> str:
        return self.route.method if self.route is not None else "POST"

    @property
    def http_path(self) -> str:
        """The path under `/requests/{id}/`."""
        return self.route.path if self.route is not None else self.wire_name

    @property
    def wire_name(self) -> str:
        """The command as clients send it: `POST /requests/{id}/accept-quote`."""
        return self.name.replace("_", "-")

    @property
    def kinds(self) -> tuple[Kind, ...]:
        # Imported here: the lifecycle tables may read the declarations (the event of each
        # trigger), and a module-level import would make the two import each other.
        from workflow.lifecycles import LIFECYCLES

        return tuple(kind for kind, lc in LIFECYCLES.items() if self.name in lc.commands)

    def arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        """`given`, once it names only this command's inputs and every required one;
        a TypeError otherwise, as a call with wrong keyword arguments raises."""
        unknown = sorted(set(given) - set(self.inputs.names()))
        if unknown:
            raise TypeError(f"{self.name}() got unexpected arguments: {', '.join(unknown)}")
        missing = [f.name for f in self.inputs.fields if f.required and f.name not in given]
        if missing:
            raise TypeError(f"{self.name}() is missing arguments: {', '.join(missing)}")
        return given
