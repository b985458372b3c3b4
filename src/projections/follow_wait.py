"""How long the follower waits at the head of the log between rounds."""

from __future__ import annotations

BUSY_EVENTS = 50  # a round that found this many events was part of a steady stream
BUSY_WAIT_SECONDS = 0.5


def next_wait(wait: float, found: int, poll_seconds: float, busy_seconds: float) -> float:
    """How long to wait after a round that found `found` events, having waited `wait`.

    Each page costs a transaction, and most of its cost is the read models' index pages
    it rewrites: the more events share a page, the fewer pages each event costs (under an
    intake peak a longer wait cut the follower's CPU per event; docs/benchmarks.md).
    So while rounds keep finding many events the wait doubles, up to `busy_seconds`; the
    read models then lag by at most that much more. A quiet round goes back to
    `poll_seconds`, so a lone write is followed as promptly as before."""
    if found < BUSY_EVENTS:
        return poll_seconds
    return max(poll_seconds, min(wait * 2, busy_seconds))
