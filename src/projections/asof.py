"""Case files as the system knew them at an instant, rebuilt from the timeline read model."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from projections.calendar import SHANGHAI, BusinessCalendar
from projections.casefile import CaseFile, evolve, open_case_file
from projections.facts import Fact, expand
from projections.policy import Policy
from projections.store import ReadModelStore
from projections.times import to_micros
from workflow.events import Amended, HandedOver, Received, Urged


@dataclass(frozen=True)
class Period:
    """Cases received in [start, end): dates are Asia/Shanghai midnights."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time(0), SHANGHAI),
            datetime.combine(self.end, time(0), SHANGHAI),
        )


@dataclass
class CaseHistory:
    case: CaseFile
    handovers_from: list[str] = field(default_factory=list)
    urges: int = 0  # 催办: how often the resident chased it


_CASE_DATA = ("community", "kind", "priority", "category", "location", "channel", "received_by")


def _fact(row: Mapping[str, Any]) -> Fact:
    extra = {name: row[name] for name in _CASE_DATA} if row["type"] == Received.TOPIC else None
    if extra is not None:
        extra["received_by"] = extra["received_by"] or None  # NO_ONE: received unowned
    return expand(
        (
            int(row["position"]), str(row["case_id"]), int(row["version"]), str(row["type"]),
            int(row["occurred_at"]), int(row["recorded_at"]), str(row["actor"]), row["value"],
            int(row["late"]),
        ),
        extra,
    )  # fmt: skip


def histories(
    store: ReadModelStore,
    policy: Policy,
    calendar: BusinessCalendar,
    period: Period,
    as_of: datetime,
    communities: Sequence[str] | None = None,
) -> Iterator[CaseHistory]:
    """Each case received in the period (in one of `communities`, if given), evolved
    through the facts recorded by `as_of`."""
    start, end = period.bounds
    among = ""
    if communities is not None:
        if not communities:
            return
        among = f" AND c.community IN ({', '.join('?' for _ in communities)})"
    yield from known_at(
        store,
        policy,
        calendar,
        as_of,
        f"c.received_at >= ? AND c.received_at < ?{among}",
        (to_micros(start), to_micros(end), *(communities or ())),
    )


def known_at(
    store: ReadModelStore,
    policy: Policy,
    calendar: BusinessCalendar,
    as_of: datetime,
    where: str,
    params: Sequence[Any],
    *,
    few: bool = False,
) -> Iterator[CaseHistory]:
    """Each case of the case index matching `where` (on its alias `c`) and recorded by
    `as_of`, evolved through the facts recorded by then, in case-id order.

    `few`: `where` selects a few cases out of many by what no index holds; then the cases
    are read first and their events looked up by case (SQLite takes CROSS JOIN's left
    table as the outer loop; PostgreSQL plans either way), rather than the timeline read
    whole in case order, which suits a period's cases.

    The case index holds a case's data as last corrected; a correction recorded after
    `as_of` is read too, for the value it replaced: what the case held then."""
    known = to_micros(as_of)
    policy = policy.known_by(as_of)  # the communities' policies recorded by then
    tables = (
        "rm_case_index c CROSS JOIN rm_timeline t"
        if few
        else "rm_timeline t JOIN rm_case_index c ON c.case_id = t.case_id"
    )
    joined = " AND c.case_id = t.case_id" if few else ""
    rows = store.stream(
        "SELECT t.position, t.case_id, t.version, t.type, t.occurred_at, t.recorded_at,"
        " t.actor, t.value, t.late, c.community, c.kind, c.priority, c.category, c.location,"
        f" c.channel, c.received_by FROM {tables}"
        f" WHERE ({where}){joined} AND c.received_recorded_at <= ?"
        " AND (t.recorded_at <= ? OR t.type = ?) ORDER BY t.case_id, t.version",
        (*params, known, known, Amended.TOPIC),
    )
    current: CaseHistory | None = None
    restored: set[str] = set()
    for row in rows:
        fact = _fact(row)
        if fact.topic == Received.TOPIC:
            if current is not None:
                yield current
            current = CaseHistory(open_case_file(fact, policy))
            restored = set()
        elif current is not None and current.case.case_id == fact.case_id:
            if known is not None and fact.recorded_us > known:
                # A correction recorded later: what it replaced is what the case held then.
                for name, (old, _) in fact.data.items():
                    if name not in restored:
                        restored.add(name)
                        setattr(current.case, name, old)
                continue
            if fact.topic == HandedOver.TOPIC and current.case.owner is not None:
                # Always owned by then: a case received unowned is claimed before it is
                # handed over, in the same save.
                current.handovers_from.append(current.case.owner)
            elif fact.topic == Urged.TOPIC:
                current.urges += 1
            evolve(current.case, fact, policy, calendar)
    if current is not None:
        yield current
