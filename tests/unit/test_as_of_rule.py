"""One rule for an as-of time, shared by the HTTP API's `as_of` and the command line's
`--as-of`: ISO 8601 text with a date and a time, from 2000 to now (two minutes of clock
skew allowed). Without an offset the command line reads it in the deployment's time zone;
the API asks for the offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import TypeAdapter, ValidationError

from api.cli.read_side import known_moment
from api.http.fields import KnownMoment
from workflow.errors import InvalidTime

API = TypeAdapter(KnownMoment)
BERLIN = ZoneInfo("Europe/Berlin")
LATER = "2099-01-01T00:00:00+08:00"
ACCEPTED = {
    "with an offset": "2026-11-20T09:00:00+08:00",
    "in UTC as Z": "2026-11-20T01:00:00Z",
    "with a space and no seconds": "2026-11-20 09:00+08:00",
    "with microseconds": "2026-11-20T09:00:00.123456+08:00",
}
REFUSED = {
    "in the future": (LATER, "nothing is known then yet"),
    "before 2000": ("1999-12-31T23:59:59+08:00", "is before 2000"),
    "a date without a time": ("2026-11-20", "is not an ISO 8601 date and time"),
    "a Unix time": ("1763600000", "is not an ISO 8601 date and time"),
    "an impossible date": ("2026-02-30T09:00:00+08:00", "is not an ISO 8601 date and time"),
    "words": ("yesterday", "is not an ISO 8601 date and time"),
}


def cli(value: str) -> datetime:
    return known_moment(value, BERLIN)


@pytest.mark.parametrize("value", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_the_api_and_the_command_line_accept_the_same_instant(value: str) -> None:
    assert API.validate_python(value) == cli(value)
    assert cli(value).utcoffset() == timedelta(hours=1)  # shown in the deployment's zone


def test_both_accept_a_time_within_the_clock_skew_and_refuse_one_beyond_it() -> None:
    soon = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    assert API.validate_python(soon) == cli(soon)
    later = (datetime.now(UTC) + timedelta(minutes=3)).isoformat()
    with pytest.raises(ValidationError, match="is in the future"):
        API.validate_python(later)
    with pytest.raises(InvalidTime, match="is in the future"):
        cli(later)


@pytest.mark.parametrize(("value", "reason"), REFUSED.values(), ids=REFUSED.keys())
def test_the_api_and_the_command_line_refuse_the_same_times_for_the_same_reason(
    value: str, reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason):
        API.validate_python(value)
    with pytest.raises(InvalidTime, match=reason) as refused:
        cli(value)
    assert str(refused.value).startswith("--as-of: ")


def test_a_time_without_offset_is_read_in_the_deployment_time_zone_on_the_command_line() -> None:
    assert cli("2026-11-20T09:00") == datetime(2026, 11, 20, 9, tzinfo=BERLIN)
    assert known_moment("2026-11-20 09:00", ZoneInfo("Asia/Shanghai")) == datetime(
        2026, 11, 20, 1, tzinfo=UTC
    )


def test_the_api_asks_for_the_offset_of_a_time_without_one() -> None:
    with pytest.raises(ValidationError, match="has no UTC offset; add one"):
        API.validate_python("2026-11-20T09:00")
