"""Request bodies: what clients send. Kept apart from the domain's events and the read models.

Pydantic checks shape and types (unknown fields are refused); the domain then checks
meaning (a category of the kind, a time not in the future) and says what is allowed.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, model_validator

from api.http.fields import At, LateReason, LongText, Money, Note, ShortText, texts
from workflow.communities import CODE_PATTERN
from workflow.declaration import Command, Input, Inputs, Value
from workflow.inputs import LONG_TEXT, SHORT_TEXT
from workflow.vocabulary import CATEGORIES, PRIORITIES, Channel, Kind

_ALL_CATEGORIES = sorted({c for values in CATEGORIES.values() for c in values})
_ALL_PRIORITIES = sorted({p for values in PRIORITIES.values() for p in values})


_PLAIN = "no control characters"  # a validation context's key: the caller checked the bytes


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # After the fields are validated, not before: a "before" check has pydantic turn the
    # whole JSON body into Python objects first. Unknown fields are refused anyway; a
    # nested body checks its own fields.
    @model_validator(mode="after")
    def _no_control_characters(self, info: ValidationInfo) -> Self:
        if not (isinstance(info.context, dict) and info.context.get(_PLAIN)):
            for name, value in self.__dict__.items():
                texts(value, name)
        return self

    @classmethod
    def from_json(cls, sent: bytes) -> Self:
        """`model_validate_json`, without looking for forbidden characters in each text
        when the bytes show there can be none: walking every text was a share of intake's
        instructions worth saving (docs/benchmarks.md)."""
        return cls.model_validate_json(sent, context={_PLAIN: True} if plain(sent) else None)


# The first byte of each character `check_text` refuses that can arrive raw in UTF-8, and
# of the backslash that escapes the others.
_LEADS = b"\\\x7f\xc2\xe2\xef"


def plain(sent: bytes) -> bool:
    """Whether a JSON body certainly holds none of the characters `check_text` refuses.

    JSON refuses C0 controls raw inside strings, so one can only arrive escaped, after a
    backslash; DEL, the C1 controls, zero-width characters and bidirectional overrides may
    arrive raw, in UTF-8, where each begins with one of the byte sequences looked for here
    (C1: C2 80-9F; U+200B-200D, U+202A-202E: E2 80; U+2060, U+2066-2069: E2 81; U+FEFF:
    EF BB BF). A body with other characters of those prefixes, such as ¥, is checked in
    full.

    `translate` deleting those first bytes is one pass in C: a body that loses none costs
    what the two `in` tests for a backslash and DEL cost before (each `bytes in bytes`
    raises and clears a TypeError inside CPython)."""
    if len(sent.translate(None, _LEADS)) == len(sent):
        return True
    find = sent.find
    return (
        find(b"\\") < 0
        and find(b"\x7f") < 0
        and find(b"\xc2") < 0
        and find(b"\xe2\x80") < 0
        and find(b"\xe2\x81") < 0
        and find(b"\xef\xbb\xbf") < 0
    )


class ReporterIn(Body):
    """Personal data: kept outside the event history and never shown to analysts."""

    name: Annotated[str, Field(min_length=1, max_length=100)]
    phone: Annotated[str | None, Field(max_length=40)] = None


class NewRequestIn(Body):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "repair",
                    "channel": "phone",
                    "location": "3-2-1201",
                    "category": "plumbing",
                    "priority": "emergency",
                    "description": "burst pipe in the kitchen",
                    "reporter": {"name": "王先生", "phone": "13800000000"},
                    "received_by": "desk-zhang",
                }
            ]
        },
    )

    community: Annotated[
        str | None,
        Field(
            pattern=CODE_PATTERN.pattern,
            max_length=40,
            description="the community's code (GET /communities); may be left out where the "
            "deployment has one community",
            examples=["sunny-garden"],
        ),
    ] = None
    kind: Kind
    channel: Channel
    location: Annotated[
        str,
        Field(
            min_length=1,
            max_length=100,
            description="a household unit building-entrance-room in digits (3-2-1201), or a "
            "common area of 1-40 letters, digits, spaces and '-' with no phone-like run of "
            "seven digits or more (north gate, 3号楼大堂)",
        ),
    ]
    category: Annotated[
        str,
        Field(
            description="repair: " + ", ".join(CATEGORIES[Kind.REPAIR])
            + "; complaint: " + ", ".join(CATEGORIES[Kind.COMPLAINT])
            + "; renovation: " + ", ".join(CATEGORIES[Kind.RENOVATION]),
            json_schema_extra={"enum": _ALL_CATEGORIES},
        ),
    ]  # fmt: skip
    priority: Annotated[
        str | None,
        Field(
            description="repair: emergency or normal (required); complaint: normal (default) "
            "or major; renovation: omitted",
            json_schema_extra={"enum": [*_ALL_PRIORITIES, None]},
        ),
    ] = None
    description: LongText
    reporter: ReporterIn | None = None
    received_by: Annotated[
        str | None,
        Field(
            min_length=1,
            max_length=SHORT_TEXT,
            description="who first received it (首问人). A channel token names an agent or "
            "supervisor with a token in use or a console account, never itself, or leaves it "
            "out for a request its resident submitted (mini-program, app, web form): the case "
            "is then received unowned, and the first staff member to claim it, or to act on "
            "it, owns it. A staff token receives it itself",
        ),
    ] = None
    received_at: At = None
    late_reason: LateReason = None
    note: Note = None
    details: Annotated[
        dict[Annotated[str, Field(max_length=100)], Annotated[str, Field(max_length=LONG_TEXT)]],
        # A factory, not `= {}`: pydantic deep-copies a mutable default on every request.
        Field(
            default_factory=dict,
            max_length=50,
            description="renovation documents and other particulars",
            json_schema_extra={"default": {}},  # as documented with `= {}`
        ),
    ]


class CommandIn(Body):
    """What every command may carry."""

    # The command's own inputs. One may take the name of a field every command carries
    # (`note`): the declaration then sets its limits and whether it is required.
    OWN: ClassVar[tuple[str, ...]] = ()

    at: At = None
    note: Note = None
    late_reason: LateReason = None

    def arguments(self) -> dict[str, Any]:
        """The command's own fields, as the application service takes them."""
        return {k: getattr(self, k) for k in self.OWN}

    def options(self) -> dict[str, Any]:
        """What it carries besides its own fields: when, a note, why late."""
        return {k: getattr(self, k) for k in COMMON if k not in self.OWN}


COMMON = frozenset(CommandIn.model_fields)  # what every command may carry


def _annotation(field: Input) -> Any:
    """The declared input as a pydantic type, with its limits, description and example."""
    about: dict[str, Any] = {"examples": [field.example]} if field.example is not None else {}
    # The money type describes itself (yuan, two decimal places), as it always has.
    if field.value is not Value.MONEY:
        about["description"] = field.description
    if field.value is Value.MONEY:
        shape: Any = Money
    elif field.value is Value.CHOICE:
        shape = field.choices
    elif field.required:
        shape = ShortText if field.value is Value.LINE else LongText
    else:
        shape = Annotated[str | None, Field(max_length=field.limit)]
    if not field.required and field.default is None and field.value in (Value.MONEY, Value.CHOICE):
        shape = shape | None  # omitted or null: nothing
    return Annotated[shape, Field(**about)]


def _default(field: Input) -> Any:
    if field.required:
        return ...
    if field.default is not None and field.value is Value.MONEY:
        return Decimal(field.default)
    return field.default


@cache
def _model(inputs: Inputs) -> type[CommandIn]:
    if not inputs.fields:
        return CommandIn
    fields: dict[str, Any] = {f.name: (_annotation(f), _default(f)) for f in inputs.fields}
    model: type[CommandIn] = create_model(
        f"{inputs.name}In", __base__=CommandIn, __module__=__name__, **fields
    )
    model.OWN = inputs.names()
    return model


def body_of(command: Command) -> type[CommandIn]:
    """The request body of a declared command; commands taking the same inputs share one."""
    return _model(command.inputs)
