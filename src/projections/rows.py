"""Case files to and from read-model rows; times as integer microseconds since the epoch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from projections.casefile import CaseFile
from projections.milestones import MilestoneClock
from projections.times import from_micros, to_micros

CASE_COLUMNS = (
    "case_id",
    "community",
    "kind",
    "priority",
    "category",
    "location",
    "channel",
    "received_by",
    "owner",
    "assignee",
    "state",
    "held_from",
    "received_at",
    "received_recorded_at",
    "last_occurred_at",
    "version",
    "position",
    "dispatched_elsewhere",
    "callbacks",
    "satisfied",
    "completed_at",
    "ended_at",
    "policy_version",
    "description",
    "reporter_ref",
)
# The case index's `received_by` and `owner` are NOT NULL: a case received unowned has the
# empty name there, which no staff member can have, and None in its case file. So its
# layout holds self-service cases as it is.
NO_ONE = ""
_TIMES = {"received_at", "received_recorded_at", "last_occurred_at", "completed_at", "ended_at"}


def case_row(case: CaseFile) -> tuple[Any, ...]:
    """The columns of CASE_COLUMNS, in order (spelt out: it runs for every case written)."""
    return (
        case.case_id, case.community, case.kind, case.priority, case.category, case.location,
        case.channel, case.received_by or NO_ONE, case.owner or NO_ONE, case.assignee,
        case.state, case.held_from,
        to_micros(case.received_at), to_micros(case.received_recorded_at),
        to_micros(case.last_occurred_at), case.version, case.position,
        int(case.dispatched_elsewhere), case.callbacks, case.satisfied,
        to_micros(case.completed_at), to_micros(case.ended_at), case.policy_version,
        case.description, case.reporter_ref,
    )  # fmt: skip


def case_from_row(row: Mapping[str, Any], milestones: list[Mapping[str, Any]]) -> CaseFile:
    fields = {c: row[c] for c in CASE_COLUMNS}
    for column in _TIMES:
        fields[column] = from_micros(fields[column])
    fields["dispatched_elsewhere"] = bool(fields["dispatched_elsewhere"])
    for column in ("received_by", "owner"):
        fields[column] = fields[column] or None
    case = CaseFile(**fields)
    case.milestones = {
        m["name"]: MilestoneClock(
            name=m["name"],
            started_at=from_micros(m["started_at"]),
            stopped_at=from_micros(m["stopped_at"]),
            held_seconds=float(m["held_seconds"]),
            held_since=from_micros(m["held_since"]),
            excluded=bool(m["excluded"]),
            due_at=from_micros(m["due_at"]),
            late_stop=bool(m["late_stop"]),
        )
        for m in milestones
    }
    others = {
        m["name"]: int(m["policy_version"])
        for m in milestones
        if int(m["policy_version"]) != case.policy_version
    }
    case.versions = others or None
    return case


UPSERT_CASE = (
    f"INSERT INTO rm_case_index ({', '.join(CASE_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in CASE_COLUMNS)}) ON CONFLICT (case_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in CASE_COLUMNS[1:])
)
