"""The first-contact responsibility report (首问负责制): per staff member, what they
received, own, closed and handed over, counted case by case (`first_contact_cases`, whose
contributions the console's drill-downs read too) and summed (`StaffTally`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime

from projections.asof import CaseHistory, Period, histories
from projections.calendar import BusinessCalendar
from projections.milestones import judge
from projections.policy import Policy
from projections.report_document import (
    FIRST_CONTACT_FIELDS,
    Report,
    block_order,
    in_block,
    is_grouped,
)
from projections.reports import judged_by, report_of
from projections.store import ReadModelStore

# The first-contact report's counts, plus the two the satisfaction rate is computed from.
STAFF_COUNTS = (*FIRST_CONTACT_FIELDS[1:-1], "callbacks", "satisfied")
Figure = tuple[str, str, int]  # (staff member, one of STAFF_COUNTS, how many)


def staff_figures(
    case_history: CaseHistory, policy: Policy, calendar: BusinessCalendar, as_of: datetime
) -> list[Figure]:
    """What one case adds to whom in the first-contact report. A case received unowned
    counts from its claim, its claimer as the one who received it; unclaimed, for no one."""
    case = case_history.case
    owner, first = case.owner, case.first_contact
    if owner is None or first is None:
        return []
    found: list[Figure] = [(first, "received", 1)]
    found.extend((previous, "handed_over", 1) for previous in case_history.handovers_from)
    found.append((owner, "owned", 1))
    if case.state in ("closed", "rejected", "invalid"):
        found.append((owner, "closed", 1))
    elif case.is_open:
        found.append((owner, "open", 1))
        if any(
            judge(spec, case.milestones[spec.name], as_of, calendar).status == "breached"
            for spec in case.specs(policy)
        ):
            found.append((owner, "overdue", 1))
    if case.state in ("completed", "closed") and not case.dispatched_elsewhere:
        found.append((owner, "resolved_at_first_contact", 1))
    for figure, count in (
        ("urged", case_history.urges),
        ("callbacks", case.callbacks),
        ("satisfied", case.satisfied),
    ):
        if count:
            found.append((owner, figure, count))
    return found


def first_contact_cases(
    store: ReadModelStore,
    policy: Policy,
    calendar: BusinessCalendar,
    period: Period,
    as_of: datetime,
    communities: Sequence[str] | None = None,
) -> Iterator[tuple[CaseHistory, list[Figure]]]:
    """Each case received in the period, as known at `as_of`, with what it adds to whom
    (`policy` and `calendar` from `judged_by`)."""
    for found in histories(store, policy, calendar, period, as_of, communities):
        yield found, staff_figures(found, policy, calendar, as_of)


class StaffTally:
    """The first-contact report's rows, summed case by case."""

    def __init__(self, group_by: str | None = None) -> None:
        self.grouped = is_grouped(group_by)
        self.group_by = group_by
        self.staff: dict[tuple[str | None, str], dict[str, int]] = defaultdict(
            lambda: dict.fromkeys(STAFF_COUNTS, 0)
        )

    def add(self, case_history: CaseHistory, found: list[Figure]) -> None:
        block = case_history.case.community if self.grouped else None  # None: the total
        for name, figure, count in found:
            self.staff[block, name][figure] += count

    def report(
        self,
        policy: Policy,
        calendar: BusinessCalendar,
        period: Period,
        as_of: datetime,
        communities: Sequence[str] | None = None,
    ) -> Report:
        staff = self.staff
        # Each staff member's total, from their rows in the communities they work in.
        for (_, name), counts in list(staff.items()) if self.grouped else ():
            total = staff[None, name]
            for figure in STAFF_COUNTS:
                total[figure] += counts[figure]
        rows = []
        for block, name in sorted(staff, key=lambda key: (block_order(key[0]), key[1])):
            counts = staff[block, name]
            callbacks = counts["callbacks"]
            rate = round(counts["satisfied"] / callbacks, 4) if callbacks else None
            values = {
                "staff": name,
                **{f: counts[f] for f in FIRST_CONTACT_FIELDS[1:-1]},
                "satisfaction_rate": rate,
            }
            rows.append(in_block(block, values, self.grouped))
        return report_of(
            "first-contact", policy, calendar, period, as_of, FIRST_CONTACT_FIELDS,
            rows, communities, self.group_by,
        )  # fmt: skip


def first_contact_report(
    store: ReadModelStore,
    policy: Policy,
    period: Period,
    as_of: datetime,
    communities: Sequence[str] | None = None,
    group_by: str | None = None,
) -> Report:
    policy, calendar = judged_by(policy, as_of)
    tally = StaffTally(group_by)
    cases = first_contact_cases(store, policy, calendar, period, as_of, communities)
    for case_history, found in cases:
        tally.add(case_history, found)
    return tally.report(policy, calendar, period, as_of, communities)
