"""The late-entry rule: within the tolerance an action needs no reason; beyond it, one;
beyond the limit it is refused whatever the reason; without a limit (an admin's rule),
any earlier time is allowed with a reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workflow.backdating import Backdating
from workflow.errors import InvalidInput, LateEntryRefused, span_text

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FIELD = Backdating(tolerance=timedelta(minutes=15), limit=timedelta(hours=24))
ADMIN = Backdating(tolerance=timedelta(hours=24), limit=None)


def test_an_action_within_the_tolerance_needs_no_reason_and_is_not_late() -> None:
    assert FIELD.late_reason(NOW - timedelta(minutes=15), NOW, None) is None
    assert FIELD.late_reason(NOW, NOW, None) is None


def test_a_reason_given_within_the_tolerance_is_kept_and_marks_a_late_entry() -> None:
    at = NOW - timedelta(minutes=5)
    assert FIELD.late_reason(at, NOW, "  typed in after the call ") == "typed in after the call"
    assert FIELD.late_reason(at, NOW, "   ") is None  # blank: no reason given


def test_an_action_beyond_the_tolerance_without_a_reason_is_refused_naming_late_reason() -> None:
    for missing in (None, "", "  "):
        with pytest.raises(InvalidInput) as refused:
            FIELD.late_reason(NOW - timedelta(hours=6), NOW, missing)
        assert refused.value.field == "late_reason"
        assert "dated 6h before it is recorded, more than the 15m allowed" in str(refused.value)


def test_an_action_beyond_the_tolerance_with_a_reason_is_a_late_entry() -> None:
    reason = "worker's phone was out of battery"
    assert FIELD.late_reason(NOW - timedelta(hours=6), NOW, reason) == reason
    assert FIELD.late_reason(NOW - timedelta(hours=24), NOW, reason) == reason  # the limit


def test_a_late_reason_is_validated_like_any_short_text() -> None:
    with pytest.raises(InvalidInput, match=r"late_reason: is 201 characters long; at most 200"):
        FIELD.late_reason(NOW - timedelta(hours=1), NOW, "x" * 201)
    with pytest.raises(
        InvalidInput, match=r"late_reason: contains U\+0000 \(a control character\)"
    ):
        FIELD.late_reason(NOW - timedelta(hours=1), NOW, "late\x00")


def test_an_action_beyond_the_limit_is_refused_whatever_the_reason() -> None:
    at = NOW - timedelta(days=2)
    with pytest.raises(LateEntryRefused) as refused:
        FIELD.late_reason(at, NOW, "the paper log was found in a drawer")
    error = refused.value
    assert error.field == "at"
    assert (error.late_by, error.limit) == (timedelta(days=2), timedelta(hours=24))
    assert "is 2d before it is recorded; at most 24h back is allowed" in str(error)


def test_without_a_limit_any_earlier_time_is_allowed_with_a_reason() -> None:
    years = NOW - datetime(2019, 3, 1, tzinfo=UTC)
    reason = "imported from the old ticket system"
    assert ADMIN.late_reason(NOW - years, NOW, reason) == reason
    with pytest.raises(InvalidInput, match=r"late_reason: required"):
        ADMIN.late_reason(NOW - years, NOW, None)
    assert ADMIN.late_reason(NOW - timedelta(hours=23), NOW, None) is None


def test_a_rule_whose_limit_is_shorter_than_its_tolerance_cannot_be_made() -> None:
    with pytest.raises(ValueError, match=r"the limit 1h is shorter than the tolerance 2h"):
        Backdating(tolerance=timedelta(hours=2), limit=timedelta(hours=1))
    with pytest.raises(ValueError, match=r"the tolerance -1m is negative"):
        Backdating(tolerance=timedelta(minutes=-1))


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(seconds=40), "40s"),
        (timedelta(minutes=15), "15m"),
        (timedelta(hours=6, minutes=5), "6h 5m"),
        (timedelta(hours=24), "24h"),
        (timedelta(hours=47), "47h"),
        (timedelta(days=2, hours=6), "2d 6h"),
        (timedelta(days=7), "7d"),
    ],
)
def test_durations_read_as_the_settings_write_them(span: timedelta, text: str) -> None:
    assert span_text(span) == text
