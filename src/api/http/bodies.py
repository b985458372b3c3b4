"""Request bodies: what clients send. Kept apart from the domain's events and the read models.

Pydantic checks shape and types (unknown fields are refused); the domain then checks
meaning (a category of the kind, a time not in the future) and says what is allowed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from workflow.inputs import CLOCK_SKEW, LONG_TEXT, SHORT_TEXT
from workflow.vocabulary import CATEGORIES, PRIORITIES, CallbackOutcome, Channel, Kind

ShortText = Annotated[str, Field(min_length=1, max_length=SHORT_TEXT)]
LongText = Annotated[str, Field(min_length=1, max_length=LONG_TEXT)]
Money = Annotated[
    Decimal,
    Field(
        ge=0,
        le=100_000_000,
        decimal_places=2,
        allow_inf_nan=False,
        description='yuan, at most two decimal places; a string such as "120.50" is exact',
    ),
]
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def _not_ancient(moment: datetime) -> datetime:
    if moment < EARLIEST:
        raise ValueError(f"{moment.isoformat()} is before 2000; send the time it happened")
    return moment


def _known(moment: datetime) -> datetime:
    """An as-of instant: from 2000 to now (two minutes of clock skew allowed)."""
    _not_ancient(moment)
    if moment > datetime.now(UTC) + CLOCK_SKEW:
        raise ValueError(
            f"{moment.isoformat()} is in the future; nothing is known then yet (omit it for now)"
        )
    return moment


_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_time(value: Any) -> Any:
    """Only ISO 8601 text: pydantic would also take a number as a Unix time."""
    if not isinstance(value, str) or not _ISO_TIME.match(value):
        raise ValueError("must be an ISO 8601 time with an offset, e.g. 2026-05-04T09:30:00+08:00")
    return value


def _iso_date(value: Any) -> Any:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("must be a date YYYY-MM-DD, e.g. 2026-11-01")
    return value


Day = Annotated[date, BeforeValidator(_iso_date)]
Moment = Annotated[AwareDatetime, BeforeValidator(_iso_time), AfterValidator(_not_ancient)]
KnownMoment = Annotated[AwareDatetime, BeforeValidator(_iso_time), AfterValidator(_known)]
At = Annotated[
    Moment | None,
    Field(description="when it happened, ISO 8601 with an offset; default now"),
]
Note = Annotated[str | None, Field(max_length=LONG_TEXT, description="a free-text note")]

_ALL_CATEGORIES = sorted({c for values in CATEGORIES.values() for c in values})
_ALL_PRIORITIES = sorted({p for values in PRIORITIES.values() for p in values})


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_text(value: str) -> str:
    """No control characters but tab and line breaks: a NUL cannot even be stored in a
    PostgreSQL text column, so it would stop the read models at that event."""
    found = _CONTROL.search(value)
    if found:
        raise ValueError(f"contains the control character {found.group()!r}; remove it")
    return value


PlainText = Annotated[str, AfterValidator(check_text)]


def _texts(value: Any, where: str) -> None:
    if isinstance(value, str):
        try:
            check_text(value)
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _texts(key, f"{where} key")
            _texts(item, f"{where}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            _texts(item, f"{where}[{n}]")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                _texts(value, str(key))
        return data


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
    note: Note = None
    details: Annotated[
        dict[Annotated[str, Field(max_length=100)], Annotated[str, Field(max_length=LONG_TEXT)]],
        Field(max_length=50, description="renovation documents and other particulars"),
    ] = {}


class CommandIn(Body):
    """What every command may carry."""

    at: At = None
    note: Note = None

    def arguments(self) -> dict[str, Any]:
        """The command's own fields, as the application service takes them."""
        return {k: getattr(self, k) for k in type(self).model_fields if k not in ("at", "note")}


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
    outcome: CallbackOutcome
    comment: Annotated[str | None, Field(max_length=LONG_TEXT)] = None


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
