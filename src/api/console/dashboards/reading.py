"""A dashboard's report for a request: from the process's cache, counted when missing."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime

from starlette.datastructures import State

from api.console.dashboards.cache import ReportCache
from api.console.dashboards.counted import COUNTERS, Counted
from api.http.runtime import Runtime
from projections.asof import Period
from projections.policy import Policy

_CREATING = threading.Lock()


def cache_of(state: State) -> ReportCache:
    """The app's cache (one per app, so each server process, and each test's app, has its
    own)."""
    found = getattr(state, "dashboard_reports", None)
    if found is None:
        with _CREATING:
            found = getattr(state, "dashboard_reports", None)
            if found is None:
                found = ReportCache()
                state.dashboard_reports = found
    assert isinstance(found, ReportCache)
    return found


def policy_key(policy: Policy) -> tuple[object, ...]:
    """The policy book's identity: its content, and each community's versions."""
    versions = tuple((own.community, own.version, own.recorded_at) for own in policy.communities)
    return (policy.digest, versions)


def counted_report(
    rt: Runtime,
    state: State,
    report: str,
    period: Period,
    communities: Sequence[str] | None,
    as_of: datetime | None,
) -> Counted:
    """`report` ("sla" or "first-contact") at `as_of`, or a recent count for now."""
    policy = rt.policy
    chosen = tuple(communities) if communities is not None else None
    key = (report, period, chosen, policy_key(policy))
    build = COUNTERS[report]

    def count(instant: datetime) -> Counted:
        return build(rt.store, policy, period, instant, chosen)

    cache = cache_of(state)
    return cache.at(key, as_of, count) if as_of is not None else cache.recent(key, count)
