"""Field types shared by request bodies and query parameters: text, money, times.

Stricter than pydantic's defaults where a default would let bad data through: times
only as ISO 8601 text (never a number read as a Unix time), nothing before 2000, and
no control characters in text.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, StringConstraints

from workflow import inputs
from workflow.characters import forbidden
from workflow.communities import CODE_PATTERN
from workflow.errors import InvalidTime
from workflow.inputs import LONG_TEXT, SHORT_TEXT

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


def _known(value: Any) -> datetime:
    """An as-of instant, by the rule the command line's --as-of follows too."""
    try:
        return inputs.known_instant("as_of", value, now=datetime.now(UTC), zone=None)
    except InvalidTime as error:
        raise ValueError(error.problem) from None


_ISO_TIME = inputs.ISO_TIME
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
KnownMoment = Annotated[AwareDatetime, BeforeValidator(_known)]
At = Annotated[
    Moment | None,
    Field(description="when it happened, ISO 8601 with an offset; default now"),
]
Note = Annotated[str | None, Field(max_length=LONG_TEXT, description="a free-text note")]
LateReason = Annotated[
    str | None,
    Field(
        min_length=1,
        max_length=SHORT_TEXT,
        description="why it is entered late: required when the time it happened lies further "
        "back than the caller's tolerance (docs/sla.md); the event is then a late entry",
        examples=["recorded from the paper log after the night shift"],
    ),
]


def check_text(value: str) -> str:
    """No control characters but tab and line breaks, no zero-width characters, no
    bidirectional overrides (the domain's rule, `workflow.characters`): a NUL cannot even
    be stored in a PostgreSQL text column, so it would stop the read models at that event."""
    problem = forbidden(value, lines=True)
    if problem:
        raise ValueError(problem)
    return value


PlainText = Annotated[str, AfterValidator(check_text)]
CommunityCode = Annotated[
    str, StringConstraints(pattern=CODE_PATTERN.pattern, max_length=40), Field(examples=["default"])
]


def texts(value: Any, where: str) -> None:
    if isinstance(value, str):
        try:
            check_text(value)
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            texts(key, f"{where} key")
            texts(item, f"{where}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            texts(item, f"{where}[{n}]")
