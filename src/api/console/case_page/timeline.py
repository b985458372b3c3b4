"""The timeline: each event with what it changed (old → new), who, when it happened and
when it was recorded; an entry recorded more than an hour after it happened is late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from api.console.case_page.replay import LISTS, SCALARS, Version
from api.console.i18n import N_

LATE_AFTER = timedelta(hours=1)

# Each compared field's heading (an interface message) and the vocabulary its values are
# labelled from (None: shown as recorded).
FIELDS: dict[str, tuple[str, str | None]] = {
    "state": (N_("State"), "state"),
    "assignee": (N_("Assignee"), None),
    "team": (N_("Team"), None),
    "owner": (N_("First-contact owner"), None),
    "priority": (N_("Priority"), "priority"),
    "category": (N_("Category"), "category"),
    "location": (N_("Location"), None),
    "description": (N_("Description"), None),
    "hold_reason": (N_("Hold reason"), None),
    "quoted_amount": (N_("Quoted amount"), None),
    "quote_accepted": (N_("Quote accepted"), None),
    "resolution": (N_("Resolution"), None),
    "permit_no": (N_("Permit number"), None),
    "deposit": (N_("Deposit"), None),
    "fee": (N_("Fee"), None),
    "refunded": (N_("Refunded"), None),
    "withheld": (N_("Withheld"), None),
    "end_reason": (N_("End reason"), None),
    "callbacks": (N_("Callback outcome"), "outcome"),
    "violations": (N_("Violation"), None),
}
# What an event says in its own words that the case keeps no field of.
SAID: dict[str, str] = {
    "reason": N_("Reason"),
    "reasons": N_("Reasons"),
    "comment": N_("Comment"),
    "message": N_("Reply"),
    "findings": N_("Findings"),
    "explanation": N_("Explanation"),
}


@dataclass(frozen=True)
class Change:
    field: str
    title: str
    vocabulary: str | None
    old: Any
    new: Any
    appended: bool = False  # an item added to a list (a callback's outcome): no old value


@dataclass(frozen=True)
class Said:
    title: str
    text: str


@dataclass(frozen=True)
class TimelineEntry:
    version: int
    topic: str
    actor: str
    occurred_at: datetime
    recorded_at: datetime
    late: bool
    note: str
    late_reason: str | None
    changes: tuple[Change, ...]
    said: tuple[Said, ...]


def is_late(occurred_at: datetime, recorded_at: datetime, late_reason: str | None) -> bool:
    """Recorded over an hour after it happened, or entered with a reason for being late."""
    return late_reason is not None or recorded_at - occurred_at > LATE_AFTER


def _unset(value: Any) -> bool:
    """What a field holds before anything is said of it (intake sets `quote_accepted`
    False): no change worth a line. By identity: a deposit of 0 is said."""
    return value is None or value is False or value == ""


def changes(version: Version) -> tuple[Change, ...]:
    found = []
    for name in SCALARS:
        old, new = version.before[name], version.after[name]
        if old != new and not (old is None and _unset(new)):
            found.append(Change(name, *FIELDS[name], old, new))
    for name in LISTS:
        added = version.after[name][len(version.before[name]) :]
        found.extend(Change(name, *FIELDS[name], None, item, True) for item in added)
    return tuple(found)


def said(version: Version, changed: tuple[Change, ...]) -> tuple[Said, ...]:
    shown = {str(c.new) for c in changed}
    return tuple(
        Said(title, str(text))
        for name, title in SAID.items()
        if (text := version.entry.data.get(name)) and str(text) not in shown
    )


def timeline(versions: list[Version]) -> list[TimelineEntry]:
    entries = []
    for version in versions:
        entry = version.entry
        changed = changes(version)
        entries.append(
            TimelineEntry(
                version=entry.version,
                topic=entry.topic,
                actor=entry.actor,
                occurred_at=entry.occurred_at,
                recorded_at=entry.recorded_at,
                late=is_late(entry.occurred_at, entry.recorded_at, entry.late_reason),
                note=entry.note,
                late_reason=entry.late_reason,
                changes=changed,
                said=said(version, changed),
            )
        )
    return entries
