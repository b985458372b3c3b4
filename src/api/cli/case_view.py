"""What `propdesk show` and `propdesk history` print: a case with its description and its
milestones, and its events, as tables for people and JSON for machines.

The milestones are evaluated from the case's own events by the read side's code, as the
HTTP API evaluates them, at the moment asked about; internal fields (the request's
fingerprint, the reference to the reporter's personal data) are left out, as there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from rich.table import Table

from api.cli.printable import case_summary, cell
from api.http.views import HIDDEN, case_file, milestones
from api.terminal.consoles import text
from projections.calendar import BusinessCalendar
from projections.milestones import MilestoneClock, span
from projections.policy import MilestoneSpec, Policy
from workflow.case import Case
from workflow.events import CaseEvent
from workflow.history import HistoryEntry
from workflow.service import CaseService


def case_document(
    service: CaseService, case: Case, policy: Policy, moment: datetime | None
) -> dict[str, Any]:
    """The case as `show` gives it; its milestones judged at `moment` (default now)."""
    found = service.repository.event_store.get(case.id, lte=case.version)
    events = [cast(CaseEvent, e) for e in found]
    return {
        **case_summary(case),
        "milestones": milestone_rows(events, policy, moment or datetime.now(UTC)),
    }


def milestone_rows(
    events: Sequence[CaseEvent], policy: Policy, moment: datetime
) -> list[dict[str, Any]]:
    calendar = policy.new_calendar()
    case = case_file(events, policy, calendar)
    judged = milestones(case, policy, calendar, moment)
    rows = []
    for spec, found in zip(case.specs(policy), judged, strict=True):
        clock = case.milestones.get(spec.name) or MilestoneClock(spec.name)
        rows.append(
            {
                "name": found.name,
                "status": found.status,
                "target": found.target,
                "clock": found.clock,
                "started_at": found.started_at,
                "due_at": found.due_at,
                "stopped_at": found.stopped_at,
                "held_minutes": round(_held(spec, clock, moment, calendar) / 60, 1),
            }
        )
    return rows


def _held(
    spec: MilestoneSpec, clock: MilestoneClock, moment: datetime, calendar: BusinessCalendar
) -> float:
    """Time on hold on the milestone's own clock, a hold still running counted to `moment`."""
    held = clock.held_seconds
    if clock.held_since is not None:
        held += span(spec, clock.held_since, clock.stopped_at or moment, calendar)
    return held


def case_tables(document: dict[str, Any], zone: ZoneInfo) -> list[Table]:
    facts = Table(show_header=False, title=text(f"case {document['id']}"))
    for key, value in document.items():
        if key == "details":
            value = "; ".join(f"{k}: {v}" for k, v in value.items())
        if key != "milestones":
            facts.add_row(key, text(cell(value, zone)))
    found = Table(title="milestones")
    for column in ("milestone", "status", "started", "due / stopped", "on hold", "target"):
        found.add_column(column)
    for row in document["milestones"]:
        stopped, due = row["stopped_at"], row["due_at"]
        until = (
            f"stopped {cell(stopped, zone)}" if stopped else f"due {cell(due, zone)}" if due else ""
        )
        found.add_row(
            row["name"],
            row["status"],
            cell(row["started_at"], zone),
            until,
            _duration(row["held_minutes"]),
            f"{row['target']} ({row['clock']})",
        )
    return [facts, found]


def _duration(minutes: float) -> str:
    if not minutes:
        return "-"
    hours, rest = divmod(round(minutes), 60)
    return f"{hours}h {rest:02d}m" if hours else f"{rest}m"


def history_rows(entries: list[HistoryEntry]) -> list[dict[str, Any]]:
    return [
        {
            "version": e.version,
            "type": e.type,
            "actor": e.actor,
            "occurred_at": e.occurred_at,
            "recorded_at": e.recorded_at,
            "note": e.note,
            "late_reason": e.late_reason,
            "data": {k: v for k, v in e.data.items() if k not in HIDDEN},
        }
        for e in entries
    ]


def history_table(case_id: str, rows: list[dict[str, Any]], zone: ZoneInfo) -> Table:
    table = Table(title=text(f"history of {case_id}"))
    # A late entry (recorded long after it happened) says so, with the reason given.
    for column in ("version", "occurred", "recorded", "who", "what", "details", "late entry"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            str(row["version"]),
            cell(row["occurred_at"], zone),
            cell(row["recorded_at"], zone),
            text(row["actor"]),
            row["type"],
            text(_details(row, zone)),
            text(row["late_reason"] or ""),
        )
    return table


def _details(row: dict[str, Any], zone: ZoneInfo) -> str:
    """`key: value` for each field that says something, and the note; nested details flat."""
    found = dict(row["data"])
    nested = found.pop("details", None) or {}
    parts = [f"{k}: {cell(v, zone)}" for k, v in found.items() if v not in (None, "")]
    parts += [f"{k}: {v}" for k, v in nested.items()]
    if row["note"]:
        parts.append(f"note: {row['note']}")
    return "; ".join(parts)
