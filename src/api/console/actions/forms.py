"""The forms of the commands a visitor may send on a case, made from the declarations.

Exactly the commands the case's state allows (its lifecycle table) and the visitor's role
may send (the declaration's roles) are offered, each with its declared inputs: a select
for a closed vocabulary, a text area for free text, required inputs marked. A few inputs
offer choices the declaration cannot know: the kind's categories, the community's staff.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from api.console.actions.staff import OWNERS, colleagues
from api.http.runtime import Runtime
from api.storage.tokens import Principal
from workflow.case import Case
from workflow.declaration import Command, Input, Value
from workflow.declared import COMMANDS
from workflow.roles import Role
from workflow.vocabulary import CATEGORIES, CallbackOutcome, Kind

# The console's vocabulary (gettext context) of each closed choice a declaration names.
CHOICE_LABELS: dict[type, str] = {CallbackOutcome: "outcome"}


@dataclass(frozen=True)
class Failure:
    """A sent form that was refused: what was typed, and what was wrong with it."""

    command: str
    values: Mapping[str, str]
    errors: Mapping[str, str] = field(default_factory=dict)  # by input name
    message: str | None = None  # about the whole form
    back: str | None = None  # the console page the form was to return to


@dataclass(frozen=True)
class FieldForm:
    name: str
    widget: str  # line, text, money or select
    required: bool
    limit: int | None
    value: str
    choices: tuple[str, ...] = ()  # a select's codes
    vocabulary: str | None = None  # where the choices' labels come from; None: as they are
    suggestions: tuple[str, ...] = ()  # offered for a line, which may hold another value
    error: str | None = None


@dataclass(frozen=True)
class ActionForm:
    command: Command
    fields: tuple[FieldForm, ...]
    message: str | None = None
    failed: bool = False  # sent and refused
    opened: bool = False  # shown open: refused, or asked for

    @property
    def wire_name(self) -> str:
        return self.command.wire_name


def offered(role: Role, case: Case) -> list[Command]:
    """The commands this role may send on the case in its state, in declaration order."""
    allowed = set(case.allowed_commands())
    return [c for c in COMMANDS if c.name in allowed and role in c.roles]


def action_forms(
    rt: Runtime,
    who: Principal,
    case: Case,
    failure: Failure | None = None,
    opened: str | None = None,
) -> list[ActionForm]:
    """`failure`: a sent form refused, shown open with what was typed; `opened`: the name
    of a command whose form is shown open (`?act=callback`, from the callback queue)."""
    forms = []
    for command in offered(who.role, case):
        sent = failure if failure is not None and failure.command == command.name else None
        fields = tuple(_field(rt, case, command, i, sent) for i in command.inputs.fields)
        message = sent.message if sent is not None else None
        shown_open = sent is not None or command.name == opened
        forms.append(
            ActionForm(command, fields, message, failed=sent is not None, opened=shown_open)
        )
    return forms


def _field(
    rt: Runtime, case: Case, command: Command, given: Input, failure: Failure | None
) -> FieldForm:
    widget = {Value.LINE: "line", Value.TEXT: "text", Value.MONEY: "money"}.get(
        given.value, "select"
    )
    value = _current(case, command, given.name)
    choices: tuple[str, ...] = ()
    vocabulary = None
    suggestions: tuple[str, ...] = ()
    if given.choices is not None:
        choices = tuple(str(v) for v in given.choices)
        vocabulary = CHOICE_LABELS.get(given.choices)
    elif (command.name, given.name) == ("amend", "category"):
        widget, choices, vocabulary = "select", CATEGORIES[Kind(case.kind)], "category"
    elif (command.name, given.name) == ("handover", "to"):
        staff = colleagues(rt, case.community, OWNERS)
        widget, choices = "select", tuple(n for n in staff if n != case.owner)
    elif (command.name, given.name) == ("dispatch", "assignee"):
        suggestions = colleagues(rt, case.community, frozenset({Role.WORKER}))
    if failure is not None:
        value = failure.values.get(given.name, "")
    return FieldForm(
        name=given.name,
        widget=widget,
        required=given.required,
        limit=given.limit,
        value=value,
        choices=choices,
        vocabulary=vocabulary,
        suggestions=suggestions,
        error=failure.errors.get(given.name) if failure is not None else None,
    )


def _current(case: Case, command: Command, name: str) -> str:
    """What a correction starts from: the value the case holds."""
    if command.name == "amend" and name in ("location", "category", "description"):
        return str(getattr(case, name, "") or "")
    return ""
