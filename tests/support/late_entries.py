"""A scenario with late entries, worked out by hand (docs/sla.md, late entries)."""

from __future__ import annotations

from support.readside import Scenario, shanghai


def two_late_repairs(scenario: Scenario) -> None:
    """Two emergency repairs (24x7: dispatch 10 min, on site 30 min, completion 24 h).

    A, received Sat 2026-11-21 22:00: dispatched 22:05, signed 22:10 (on time). The
    worker records at 04:25 next morning that he arrived at 22:25, with a reason: on
    site after 25 min, met, its stop a late entry. Completed 04:30, on time (6 h 30 min).
    B, received 23:00: the agent records at 01:00 that it was dispatched at 23:08, within
    the desk's 24 h tolerance, no reason: met, not late. Signed 01:05, arrived 01:30
    (150 min, breached), on time. The worker records at 10:00 that the work was done at
    02:00, with a reason: completion after 3 h, met, its stop a late entry.
    """
    field = scenario.settings.late_entries.field_staff
    desk = scenario.settings.late_entries.desk_staff
    a = scenario.receive("2026-11-21T22:00", "repair", priority="emergency", category="gas")
    scenario.do("2026-11-21T22:05", "dispatch", a, assignee="eng-wang", backdating=desk)
    scenario.do("2026-11-21T22:10", "sign", a, actor="eng-wang", backdating=field)
    scenario.do(
        "2026-11-22T04:25",
        "arrive",
        a,
        actor="eng-wang",
        at=shanghai("2026-11-21T22:25"),
        late_reason="phone battery died; arrival time from the guard's log",
        backdating=field,
    )
    b = scenario.receive("2026-11-21T23:00", "repair", priority="emergency", category="gas")
    scenario.do(
        "2026-11-22T01:00",
        "dispatch",
        b,
        assignee="eng-li",
        at=shanghai("2026-11-21T23:08"),
        backdating=desk,
    )
    scenario.do("2026-11-22T01:05", "sign", b, actor="eng-li", backdating=field)
    scenario.do("2026-11-22T01:30", "arrive", b, actor="eng-li", backdating=field)
    scenario.do("2026-11-22T04:30", "complete", a, actor="eng-wang", resolution="valve shut")
    scenario.do(
        "2026-11-22T10:00",
        "complete",
        b,
        actor="eng-li",
        resolution="pipe replaced",
        at=shanghai("2026-11-22T02:00"),
        late_reason="no signal in the basement",
        backdating=field,
    )
