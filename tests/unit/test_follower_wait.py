"""The follower waits longer while a steady stream keeps it busy, and polls promptly again
once the stream thins."""

from __future__ import annotations

import pytest

from projections.follow_wait import BUSY_EVENTS, next_wait

POLL, BUSY = 0.05, 0.5


def test_a_quiet_round_waits_one_poll() -> None:
    assert next_wait(POLL, 0, POLL, BUSY) == POLL
    assert next_wait(POLL, BUSY_EVENTS - 1, POLL, BUSY) == POLL


def test_busy_rounds_double_the_wait_up_to_the_busy_limit() -> None:
    waits = [POLL]
    for _ in range(6):
        waits.append(next_wait(waits[-1], BUSY_EVENTS, POLL, BUSY))
    assert waits == pytest.approx([0.05, 0.1, 0.2, 0.4, 0.5, 0.5, 0.5])


def test_a_quiet_round_after_busy_ones_goes_back_to_one_poll() -> None:
    assert next_wait(BUSY, 3, POLL, BUSY) == POLL


def test_a_busy_limit_below_the_poll_never_shortens_the_poll() -> None:
    # `projections run --poll 2` keeps its 2 s even when busy: the limit only lengthens.
    assert next_wait(2.0, 10_000, 2.0, BUSY) == 2.0
