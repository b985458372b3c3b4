"""The garbage collector in the long-running processes of `propdesk serve`: its workers
and its follower."""

from __future__ import annotations

import gc


def settle_after_start() -> None:
    """Start-up makes objects that live as long as the process: modules, the application,
    its routes and schemas, connections. Frozen, they drop out of the collector's passes;
    a worker under intake load tracks many of them, and full passes over them paused
    requests (docs/benchmarks.md). Requests make many short-lived objects and few
    reference cycles, so the youngest generation is collected every 20,000 allocations
    rather than every 700."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
