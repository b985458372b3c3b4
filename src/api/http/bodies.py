"""Request bodies: what clients send. Kept apart from the domain's events and the read models.

Pydantic checks shape and types (unknown fields are refused); the domain then checks
meaning (a category of the kind, a time not in the future) and says what is allowed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from api.http.fields import At, LateReason, LongText, Money, Note, ShortText, texts
from workflow.inputs import LONG_TEXT, SHORT_TEXT
from workflow.vocabulary import CATEGORIES, PRIORITIES, CallbackOutcome, Channel, Kind

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
        """`model_validate_json`, without looking for control characters in each text when
        the bytes show there can be none: JSON refuses them raw inside strings (all but
        DEL), so one can only arrive escaped, after a backslash. Walking every text cost
        intake 2.4 % of its instructions."""
        plain = b"\\" not in sent and b"\x7f" not in sent
        return cls.model_validate_json(sent, context={_PLAIN: True} if plain else None)


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

    kind: Kind
    channel: Channel
    location: Annotated[
        str,
        Field(
            min_length=1,
            max_length=100,
            description="a household unit building-entrance-room (3-2-1201) or a common area",
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
            description="who first received it (首问人): required for channel tokens; "
            "a staff token receives it itself",
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

    at: At = None
    note: Note = None
    late_reason: LateReason = None

    def arguments(self) -> dict[str, Any]:
        """The command's own fields, as the application service takes them."""
        return {k: getattr(self, k) for k in type(self).model_fields if k not in COMMON}


COMMON = frozenset(CommandIn.model_fields)  # what every command may carry


class DispatchIn(CommandIn):
    assignee: Annotated[ShortText, Field(examples=["eng-wang"])]
    team: Annotated[str | None, Field(max_length=SHORT_TEXT, examples=["engineering"])] = None


class QuoteIn(CommandIn):
    amount: Annotated[Money, Field(examples=["120.50"])]


class ReasonIn(CommandIn):
    reason: Annotated[ShortText, Field(examples=["waiting for parts"])]


class ReplyIn(CommandIn):
    message: Annotated[LongText, Field(examples=["an engineer will come by 15:00"])]


class CompleteIn(CommandIn):
    resolution: Annotated[LongText, Field(examples=["replaced the valve"])]


class CallbackIn(CommandIn):
    outcome: Annotated[CallbackOutcome, Field(examples=["satisfied"])]
    comment: Annotated[str | None, Field(max_length=LONG_TEXT, examples=["fixed quickly"])] = None


class HandoverIn(CommandIn):
    to: Annotated[ShortText, Field(examples=["desk-li"])]
    reason: Annotated[ShortText, Field(examples=["shift change"])]


class InvalidateIn(CommandIn):
    reason: Annotated[ShortText, Field(examples=["outside the company's remit"])]
    explanation: Annotated[LongText, Field(examples=["street lights are the city's"])]


class ApproveIn(CommandIn):
    permit_no: Annotated[ShortText, Field(examples=["ZX-2026-0042"])]
    deposit: Annotated[Money, Field(examples=["2000.00"])]
    fee: Annotated[Money, Field(examples=["300.00"])]


class ReasonsIn(CommandIn):
    reasons: Annotated[LongText, Field(examples=["drawings missing"])]


class InspectIn(CommandIn):
    findings: Annotated[LongText, Field(examples=["all in order"])]
    violation: Annotated[str | None, Field(max_length=LONG_TEXT)] = None


class RefundIn(CommandIn):
    refunded: Annotated[Money, Field(examples=["2000.00"])]
    withheld: Annotated[Money, Field(examples=["0.00"])] = Decimal("0")
    reason: Annotated[str | None, Field(max_length=LONG_TEXT)] = None
