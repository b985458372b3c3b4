"""A case replayed version by version: the fields the page compares, before and after
each event, computed by the aggregate's own `advance` so that the page cannot read an
event differently from the case itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from workflow.case import Case
from workflow.events import CaseEvent
from workflow.history import HistoryEntry, entry_of

# The case's own fields whose changes the timeline shows, in the order it shows them.
SCALARS = (
    "state", "assignee", "team", "owner", "priority", "category", "location", "description",
    "hold_reason",
    "quoted_amount", "quote_accepted", "resolution", "permit_no", "deposit", "fee",
    "refunded", "withheld", "end_reason",
)  # fmt: skip
# Lists the case appends to: the timeline shows the item each event added.
LISTS = ("callbacks", "violations")

Snapshot = dict[str, Any]


@dataclass(frozen=True)
class Version:
    """One event and the case's compared fields just before and just after it."""

    event: CaseEvent
    entry: HistoryEntry
    before: Snapshot
    after: Snapshot


def snapshot(case: Case) -> Snapshot:
    taken: Snapshot = {name: getattr(case, name, None) for name in SCALARS}
    for name in LISTS:
        taken[name] = tuple(getattr(case, name, ()))
    return taken


EMPTY: Snapshot = {**dict.fromkeys(SCALARS), **{name: () for name in LISTS}}


def replayed(events: Sequence[CaseEvent]) -> list[Version]:
    """Every event applied in turn to a case built from nothing, as the repository does."""
    versions = []
    case: Case | None = None
    before = EMPTY
    for event in events:
        case = event.mutate(case)
        assert case is not None  # the first event creates the case, the others change it
        after = snapshot(case)
        versions.append(Version(event, entry_of(event), before, after))
        before = after
    return versions
