"""A new notice store starts where the read models are: the history before gives no notices
(no flood of old news into a group chat); the open cases are taken from the read models,
with the warnings still to come scheduled and those whose instant has passed counted as
sent."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from projections.calendar import BusinessCalendar
from projections.notices.deriving import next_instant, timed
from projections.notices.store import UPSERT_CASE, UPSERT_TIMED, NoticeStore
from projections.notices.working import Working, dumps
from projections.policy import Policy
from projections.rows import case_from_row
from projections.store import ReadModelStore
from projections.times import to_micros
from projections.tracked import Statement
from workflow.lifecycles import TERMINAL

_SET_META = (
    "INSERT INTO nt_meta (key, value) VALUES (?, ?)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


def seed(
    store: NoticeStore,
    read: ReadModelStore | None,
    policy: Policy,
    calendar: BusinessCalendar,
    now: float,
) -> None:
    """Start `store` at the read models' position (at the log's start without them)."""
    position = 0 if read is None else read.position()
    meta = [("started_from", str(position)), ("started_at", str(int(now * 1e6)))]
    statements: list[Statement] = [(_SET_META, meta)]
    if read is None or position == 0:
        store.execute(statements)
        return
    cases, schedule = [], []
    moment = datetime.fromtimestamp(now, UTC)
    for work in _open_cases(read):
        for due in timed(work, policy, calendar, until=moment):
            work.fired.add(due.draft.id)  # past: counted as sent
        instant = next_instant(work, policy, calendar)
        if instant is not None:
            schedule.append((work.case.case_id, to_micros(instant)))
        cases.append((work.case.case_id, dumps(work)))
    store.write([*statements, (UPSERT_CASE, cases), (UPSERT_TIMED, schedule)], position)


def _open_cases(read: ReadModelStore) -> Iterable[Working]:
    closed = ", ".join(f"'{state}'" for state in TERMINAL)
    rows = read.query(f"SELECT * FROM rm_case_index WHERE state NOT IN ({closed})")
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        clocks: dict[str, list[Any]] = {}
        for clock in read.query(
            f"SELECT * FROM rm_milestones WHERE case_id IN ({marks})",
            [r["case_id"] for r in chunk],
        ):
            clocks.setdefault(clock["case_id"], []).append(clock)
        for row in chunk:
            yield Working(case_from_row(row, clocks.get(row["case_id"], [])))
