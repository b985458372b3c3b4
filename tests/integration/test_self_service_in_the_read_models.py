"""Self-service requests on the read side, on each backend: a case received unowned is
counted for no one until it is claimed, then for its claimer from the claim; its `claim`
milestone runs from receipt to claim on the business calendar (15 minutes), and only cases
received unowned have it."""

from __future__ import annotations

from support.readside import Scenario, row

SELF_SERVICE = {"channel": "wechat", "received_by": None}


def test_the_first_contact_report_counts_a_self_service_case_for_its_claimer_from_the_claim(
    db: str,
) -> None:
    with Scenario(db) as s:
        check_first_contact(s)


def check_first_contact(s: Scenario) -> None:
    # A: submitted, claimed by li, then dispatched by her.
    a = s.receive("2026-11-24T09:00", "repair", **SELF_SERVICE)
    s.do("2026-11-24T09:10", "claim", a, actor="desk-li")
    s.do("2026-11-24T09:20", "dispatch", a, actor="desk-li", assignee="eng-wang")
    # B: submitted, chased by the resident, and never claimed.
    b = s.receive("2026-11-24T09:30", "repair", **SELF_SERVICE)
    s.do("2026-11-24T09:35", "urge", b, actor="wechat-mini", note="还没人管吗")
    # C: submitted; zhang settles it at once, which claims it first.
    c = s.receive("2026-11-24T09:40", "complaint", **SELF_SERVICE)
    s.do("2026-11-24T09:50", "resolve", c, actor="desk-zhang", resolution="explained the fee")

    assert s.first_contact("2026-11-24T09:05").rows == []
    early = {r["staff"]: r for r in s.first_contact("2026-11-24T09:15").rows}
    assert set(early) == {"desk-li"}
    assert (early["desk-li"]["received"], early["desk-li"]["owned"]) == (1, 1)
    rows = {r["staff"]: r for r in s.first_contact("2026-11-24T12:00").rows}
    assert set(rows) == {"desk-li", "desk-zhang"}
    assert rows["desk-li"] == {
        "staff": "desk-li",
        "received": 1,
        "owned": 1,
        "open": 1,
        "closed": 0,
        "overdue": 0,
        "handed_over": 0,
        "resolved_at_first_contact": 0,
        "urged": 0,
        "satisfaction_rate": None,
    }
    assert (rows["desk-zhang"]["received"], rows["desk-zhang"]["owned"]) == (1, 1)
    assert rows["desk-zhang"]["resolved_at_first_contact"] == 1

    store = s.follower.store
    index = {
        r["case_id"]: (r["received_by"], r["owner"])
        for r in store.query("SELECT case_id, received_by, owner FROM rm_case_index")
    }
    # No one is the empty name in the case index: its layout holds these cases unchanged.
    assert index == {str(a): ("", "desk-li"), str(b): ("", ""), str(c): ("", "desk-zhang")}
    staff = store.query("SELECT staff, received, handed_over FROM rm_staff ORDER BY staff")
    assert [(r["staff"], r["received"], r["handed_over"]) for r in staff] == [
        ("desk-li", 1, 0),
        ("desk-zhang", 1, 0),
    ]
    followed = store.query("SELECT * FROM rm_case_index ORDER BY case_id")
    s.follower.rebuild()
    assert store.query("SELECT * FROM rm_case_index ORDER BY case_id") == followed


def test_the_claim_milestone_is_met_or_breached_on_the_business_calendar(db: str) -> None:
    with Scenario(db) as s:
        check_claim_milestone(s)


def check_claim_milestone(s: Scenario) -> None:
    # Tuesday: claimed 16 minutes after it came in, a minute past the target.
    late = s.receive("2026-11-24T10:00", "repair", **SELF_SERVICE)
    s.do("2026-11-24T10:16", "claim", late, actor="desk-li")
    # Still unclaimed at 11:10, ten business minutes in.
    waiting = s.receive("2026-11-24T11:00", "repair", **SELF_SERVICE)
    # Friday five minutes before closing, claimed at 08:38 on Monday: 13 business minutes.
    weekend = s.receive("2026-11-27T17:25", "repair", **SELF_SERVICE)
    s.do("2026-11-30T08:38", "dispatch", weekend, actor="desk-zhang", assignee="eng-wang")
    owned = s.receive("2026-11-24T10:30", "repair", received_by="desk-zhang")

    then = row(s.sla("2026-11-24T11:10"), "repair", "normal", "claim")
    assert (then["met"], then["breached"], then["pending"]) == (0, 1, 1)
    now = row(s.sla("2026-11-30T12:00"), "repair", "normal", "claim")
    # The one left waiting since Tuesday is breached by now.
    assert (now["met"], now["breached"], now["pending"]) == (1, 2, 0)
    assert (now["p50_minutes"], now["p90_minutes"]) == (13.0, 16.0)

    clocks = {
        (r["case_id"], r["name"]): r["status"]
        for r in s.follower.store.query("SELECT case_id, name, status FROM rm_milestones")
    }
    assert clocks[str(late), "claim"] == "breached"
    assert clocks[str(weekend), "claim"] == "met"
    assert clocks[str(waiting), "claim"] == "running"
    assert not any(name == "claim" for case_id, name in clocks if case_id == str(owned))
