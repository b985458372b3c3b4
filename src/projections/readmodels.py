"""The read models: one class each, turning a page of facts into row changes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Protocol

from projections.calendar import BusinessCalendar
from projections.casefile import CaseFile
from projections.facts import Fact, timeline_row
from projections.milestones import due, elapsed
from projections.policy import Policy
from projections.rows import UPSERT_CASE, case_row
from projections.store import Statement
from projections.times import to_micros
from workflow.events import Claimed, HandedOver, Received


class ReadModel(Protocol):
    def changes(self, facts: list[Fact], touched: Iterable[CaseFile]) -> list[Statement]: ...


class CaseIndex:
    """One row per case as it stands: state, owner, assignee, key times."""

    def changes(self, facts: list[Fact], touched: Iterable[CaseFile]) -> list[Statement]:
        return [(UPSERT_CASE, [case_row(case) for case in touched])]


class SlaFacts:
    """Each applicable milestone's clock per case, with its due time and status."""

    UPSERT = (
        "INSERT INTO rm_milestones (case_id, name, started_at, stopped_at, held_seconds,"
        " held_since, excluded, due_at, elapsed_seconds, status, late_stop, policy_name,"
        " policy_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (case_id, name) DO UPDATE SET"
        " started_at = excluded.started_at, stopped_at = excluded.stopped_at,"
        " held_seconds = excluded.held_seconds, held_since = excluded.held_since,"
        " excluded = excluded.excluded, due_at = excluded.due_at,"
        " elapsed_seconds = excluded.elapsed_seconds, status = excluded.status,"
        " late_stop = excluded.late_stop, policy_name = excluded.policy_name,"
        " policy_version = excluded.policy_version"
    )

    def __init__(self, policy: Policy, calendar: BusinessCalendar) -> None:
        self.policy = policy
        self.calendar = calendar

    def changes(self, facts: list[Fact], touched: Iterable[CaseFile]) -> list[Statement]:
        rows = []
        for case in touched:
            if not case.dirty:
                continue
            for spec in case.specs(self.policy):
                if spec.name not in case.dirty:
                    continue
                clock = case.milestones[spec.name]
                # Stored status is final only once stopped; a running clock's
                # status depends on when it is read, so readers compare due_at.
                seconds: float | None = None
                if clock.excluded:
                    status = "excluded"
                elif clock.started_at is None:
                    status = "not_started"
                elif clock.stopped_at is not None:
                    seconds = elapsed(spec, clock, clock.stopped_at, self.calendar)
                    status = "breached" if seconds > spec.target_seconds else "met"
                else:
                    status = "paused" if clock.held_since is not None else "running"
                rows.append(
                    (
                        case.case_id,
                        spec.name,
                        to_micros(clock.started_at),
                        to_micros(clock.stopped_at),
                        clock.held_seconds,
                        to_micros(clock.held_since),
                        int(clock.excluded),
                        # Due times matter while a clock runs (the overdue query); a stopped
                        # one has its elapsed time instead, and a rebuild skips the sums.
                        to_micros(due(spec, clock, self.calendar)) if status == "running" else None,
                        seconds,
                        status,
                        int(clock.late_stop),
                        *self._judged_under(case, spec.name),
                    )
                )
            case.dirty.clear()  # on a failed write the follower drops its case files
        return [(self.UPSERT, rows)]

    def _judged_under(self, case: CaseFile, milestone: str) -> tuple[str, int]:
        number = case.version_of(milestone)
        return self.policy.version(case.community, number).name, number


class FirstContact:
    """首问负责制 counters per staff member: requests first received (a case received
    unowned by whoever claimed it), handovers given."""

    UPSERT = (
        "INSERT INTO rm_staff (staff, received, handed_over) VALUES (?, ?, ?)"
        " ON CONFLICT (staff) DO UPDATE SET received = rm_staff.received + excluded.received,"
        " handed_over = rm_staff.handed_over + excluded.handed_over"
    )

    def changes(self, facts: list[Fact], touched: Iterable[CaseFile]) -> list[Statement]:
        received: Counter[str] = Counter()
        handed_over: Counter[str] = Counter()
        for fact in facts:
            if fact.topic == Received.TOPIC:
                if fact.data["received_by"] is not None:
                    received[fact.data["received_by"]] += 1
            elif fact.topic == Claimed.TOPIC:
                received[fact.actor] += 1
            elif fact.topic == HandedOver.TOPIC:
                handed_over[fact.data["previous_owner"]] += 1
        staff = sorted(set(received) | set(handed_over))
        return [(self.UPSERT, [(s, received[s], handed_over[s]) for s in staff])]


class Timeline:
    """Every event, compact, for as-of reports and what-if replays."""

    INSERT = (
        "INSERT INTO rm_timeline (position, case_id, version, type, occurred_at, recorded_at,"
        " actor, value, late) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )

    def changes(self, facts: list[Fact], touched: Iterable[CaseFile]) -> list[Statement]:
        return [(self.INSERT, [timeline_row(f) for f in facts])]


def all_read_models(policy: Policy, calendar: BusinessCalendar) -> list[ReadModel]:
    return [Timeline(), CaseIndex(), SlaFacts(policy, calendar), FirstContact()]
