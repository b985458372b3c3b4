"""When a failed delivery is tried again: exponential backoff with full jitter, for a day.

The wait before the next attempt is drawn evenly between nothing and a ceiling that
doubles with each failed attempt, up to an hour; drawn, so that the deliveries a receiver
refused together do not all come back to it at the same instant. A day after the first
attempt the delivery is given up (failed); the last attempt falls on that day's end.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

RETRY_PERIOD = timedelta(hours=24)
FIRST_CEILING = 5.0  # seconds: the ceiling after the first failed attempt
LAST_CEILING = 3600.0
SHORTEST_WAIT = 1.0  # seconds: not straight back, even when the draw is near nothing

Jitter = Callable[[float], float]  # a wait drawn under the ceiling given


def full_jitter(ceiling: float) -> float:
    return random.uniform(0.0, ceiling)  # spreading retries, not a secret


def ceiling(failed_attempts: int) -> float:
    """The longest wait after this many failed attempts."""
    return min(LAST_CEILING, FIRST_CEILING * 2.0 ** min(failed_attempts - 1, 30))


def next_attempt(
    first_attempt: datetime, failed_attempts: int, now: datetime, jitter: Jitter = full_jitter
) -> datetime | None:
    """When to try again, or None when the retry period is over."""
    end = first_attempt + RETRY_PERIOD
    if now >= end:
        return None
    wait = max(SHORTEST_WAIT, jitter(ceiling(failed_attempts)))
    return min(now + timedelta(seconds=wait), end)
