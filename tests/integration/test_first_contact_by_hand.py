"""首问负责制 report figures worked out by hand from a small day at the front desk."""

from __future__ import annotations

from support.readside import Scenario


def test_the_first_contact_report_counts_ownership_handovers_and_outcomes(
    db: str,
) -> None:
    s = Scenario(db)
    # A: zhang receives, engineering fixes, resident satisfied: closed, owned by zhang.
    a = s.receive("2026-11-24T09:00", "repair", received_by="desk-zhang")
    s.do("2026-11-24T09:05", "dispatch", a, assignee="eng-wang")
    s.do("2026-11-24T09:10", "sign", a, actor="eng-wang")
    s.do("2026-11-24T09:30", "arrive", a, actor="eng-wang")
    s.do("2026-11-24T10:00", "complete", a, actor="eng-wang", resolution="fixed")
    s.do("2026-11-24T11:00", "callback", a, outcome="satisfied")
    # B: zhang receives, hands over to li at shift change; nobody dispatches: overdue.
    b = s.receive("2026-11-24T09:20", "repair", received_by="desk-zhang")
    s.do("2026-11-24T09:25", "handover", b, actor="desk-zhang", to="desk-li", reason="shift")
    # C: li receives a complaint and handles it herself: resolved at first contact.
    c = s.receive("2026-11-24T09:40", "complaint", received_by="desk-li")
    s.do("2026-11-24T09:45", "dispatch", c, actor="desk-li", assignee="desk-li")
    s.do("2026-11-24T09:50", "reply", c, actor="desk-li", message="apologies")
    s.do("2026-11-24T10:30", "complete", c, actor="desk-li", resolution="explained the fee")
    s.do("2026-11-24T11:30", "callback", c, actor="desk-li", outcome="unreachable")
    # D: zhang receives a renovation application, the reviewer rejects it.
    d = s.receive("2026-11-24T10:00", "renovation", received_by="desk-zhang")
    s.do("2026-11-24T11:00", "reject", d, actor="reviewer", reasons="no contractor licence")

    rows = {r["staff"]: r for r in s.first_contact("2026-11-24T12:00").rows}
    assert set(rows) == {"desk-zhang", "desk-li"}
    assert rows["desk-zhang"] == {
        "staff": "desk-zhang",
        "received": 3,
        "owned": 2,
        "open": 0,
        "closed": 2,
        "overdue": 0,
        "handed_over": 1,
        "resolved_at_first_contact": 0,
        "urged": 0,
        "satisfaction_rate": 1.0,
    }
    assert rows["desk-li"] == {
        "staff": "desk-li",
        "received": 1,
        "owned": 2,
        "open": 2,
        "closed": 0,
        "overdue": 1,
        "handed_over": 0,
        "resolved_at_first_contact": 1,
        "urged": 0,
        "satisfaction_rate": None,
    }


def test_first_contact_as_of_before_the_handover_shows_the_first_receiver_as_owner(
    db: str,
) -> None:
    s = Scenario(db)
    b = s.receive("2026-11-24T09:20", "repair", received_by="desk-zhang")
    s.do("2026-11-24T09:25", "handover", b, actor="desk-zhang", to="desk-li", reason="shift")
    before = {r["staff"]: r for r in s.first_contact("2026-11-24T09:22").rows}
    after = {r["staff"]: r for r in s.first_contact("2026-11-24T09:30").rows}
    assert (before["desk-zhang"]["owned"], before["desk-zhang"]["handed_over"]) == (1, 0)
    assert "desk-li" not in before
    assert (after["desk-zhang"]["owned"], after["desk-li"]["owned"]) == (0, 1)


def test_urges_count_for_whoever_owns_the_case_as_of_the_report(db: str) -> None:
    s = Scenario(db)
    # A: zhang's repair is chased twice, then handed to li and chased once more.
    a = s.receive("2026-11-24T09:00", "repair", received_by="desk-zhang")
    s.do("2026-11-24T09:05", "dispatch", a, assignee="eng-wang")
    s.do("2026-11-24T10:00", "urge", a, note="住户来电催促")
    s.do("2026-11-24T11:00", "urge", a, actor="hotline", note="住户第二次来电催促")
    s.do("2026-11-24T11:10", "handover", a, actor="desk-zhang", to="desk-li", reason="shift")
    s.do("2026-11-24T12:00", "urge", a, note="住户第三次催促")
    # B: li's complaint is chased once, then cancelled: an ended case keeps its urges.
    b = s.receive("2026-11-24T09:30", "complaint", received_by="desk-li")
    s.do("2026-11-24T10:30", "urge", b, note="还没人来")
    s.do("2026-11-24T10:40", "cancel", b, reason="resident withdrew")
    # C: zhang's renovation is never chased.
    s.receive("2026-11-24T09:40", "renovation", received_by="desk-zhang")

    def urged(as_of: str) -> dict[str, int]:
        return {r["staff"]: r["urged"] for r in s.first_contact(as_of).rows}

    assert urged("2026-11-24T10:15") == {"desk-zhang": 1, "desk-li": 0}
    assert urged("2026-11-24T11:05") == {"desk-zhang": 2, "desk-li": 1}
    # The handover takes the case and every urge on it to li.
    assert urged("2026-11-24T12:30") == {"desk-zhang": 0, "desk-li": 4}
    assert s.app.get(a).urges == 3
    assert s.app.get(a).state == "dispatched"


def test_a_case_resolved_at_first_contact_counts_for_its_owner_once_completed(db: str) -> None:
    s = Scenario(db)
    # A: zhang settles a repair on the phone; the resident is satisfied at the callback.
    a = s.receive("2026-11-24T09:00", "repair", received_by="desk-zhang")
    s.do("2026-11-24T09:04", "resolve", a, actor="desk-zhang", resolution="reset the breaker")
    s.do("2026-11-24T15:00", "callback", a, outcome="satisfied")
    # B: li settles a complaint on the spot; the callback is still due.
    b = s.receive("2026-11-24T09:30", "complaint", received_by="desk-li")
    s.do("2026-11-24T09:33", "resolve", b, actor="desk-li", resolution="explained the fee")
    # C: li's repair goes to an engineer as usual: not resolved at first contact.
    c = s.receive("2026-11-24T10:00", "repair", received_by="desk-li")
    s.do("2026-11-24T10:05", "dispatch", c, assignee="eng-wang")

    def counted(as_of: str) -> dict[str, tuple[int, int, int]]:
        rows = s.first_contact(as_of).rows
        return {r["staff"]: (r["resolved_at_first_contact"], r["open"], r["closed"]) for r in rows}

    assert counted("2026-11-24T09:02") == {"desk-zhang": (0, 1, 0)}
    assert counted("2026-11-24T12:00") == {"desk-zhang": (1, 1, 0), "desk-li": (1, 2, 0)}
    assert counted("2026-11-24T16:00") == {"desk-zhang": (1, 0, 1), "desk-li": (1, 2, 0)}
