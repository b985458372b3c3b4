"""The queue's rows for a drill-down: the cases behind one figure, as they stood at the
instant it was counted.

The cases and their order come from the count itself (`counted.Counted`), so only the
page shown is rebuilt from the timeline: a figure of ten thousand cases pages as fast as
one of ten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from starlette.datastructures import State

from api.console.case_queue import QueuePage, QueueRow, clocks_of
from api.console.dashboards.counted import CaseRef
from api.console.dashboards.reading import counted_report
from api.console.queue_filters import QueueFilters
from api.http.runtime import Runtime
from projections.asof import CaseHistory, known_at

CHUNK = 500  # case ids per query: well under both databases' limit on parameters


@dataclass(frozen=True)
class DrillAnswer:
    page: QueuePage
    figure: int  # as the dashboard shows it: cases, or for EVENT_FIGURES events
    instant: datetime  # when the figure was counted

    @property
    def counts_events(self) -> bool:
        """Whether the figure counts events (urges, handovers) rather than these cases."""
        return self.figure != self.page.total


def drill_page(
    rt: Runtime,
    state: State,
    filters: QueueFilters,
    scope: tuple[str, ...] | None,
    limit: int | None,
) -> DrillAnswer:
    drill = filters.drill
    assert drill is not None
    counted = counted_report(rt, state, drill.report, drill.period, scope, filters.as_of)
    cases = counted.behind(drill.key)
    cases.sort(key=_order(filters.sort))
    shown = cases if limit is None else cases[filters.offset : filters.offset + limit]
    rows = rebuilt(rt, [c.case_id for c in shown], counted.instant)
    page = QueuePage(rows, len(cases), filters.page)
    return DrillAnswer(page, counted.figure(drill.key), counted.instant)


def rebuilt(rt: Runtime, case_ids: Sequence[str], instant: datetime) -> list[QueueRow]:
    """The cases as known at `instant`, in the order given."""
    found: dict[str, CaseHistory] = {}
    for start in range(0, len(case_ids), CHUNK):
        chunk = case_ids[start : start + CHUNK]
        where = f"c.case_id IN ({', '.join('?' for _ in chunk)})"
        for history in known_at(rt.store, rt.policy, rt.calendar, instant, where, chunk):
            found[history.case.case_id] = history
    numbers = rt.numbers.numbers_of(list(case_ids))
    policy = rt.policy.known_by(instant)
    rows = []
    for case_id in case_ids:
        case = found[case_id].case
        clocks = clocks_of(case, policy, rt.calendar, instant)
        rows.append(QueueRow(case, numbers.get(case_id), clocks))
    return rows


def _order(sort: str) -> Callable[[CaseRef], tuple[object, ...]]:
    """The queue's orders (`past_queue`): time to breach, then newest first."""

    def by_received(case: CaseRef) -> tuple[object, ...]:
        return (-case.received_us, case.case_id)

    def by_due(case: CaseRef) -> tuple[object, ...]:
        due = case.next_due_us
        return (due is None, due or 0, *by_received(case))

    return by_received if sort == "received" else by_due
