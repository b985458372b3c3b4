"""更正 on the read side: the case index holds a case as last corrected, and a view as of
an earlier instant shows the location and category the case had then; on each backend."""

from __future__ import annotations

from projections.asof import known_at
from support.readside import Scenario, shanghai


def test_the_case_index_holds_the_last_correction_and_the_past_what_it_was_then(
    db: str,
) -> None:
    with Scenario(db) as s:
        check_corrections_as_of(s)


def check_corrections_as_of(s: Scenario) -> None:
    case = s.receive("2026-11-24T09:00", "repair", location="3-2-101", category="plumbing")
    s.do("2026-11-24T10:00", "amend", case, location="3-2-102", category="drainage", reason="a")
    s.do("2026-11-24T11:00", "amend", case, description="the drain, not the tap", reason="b")
    s.do("2026-11-24T12:00", "amend", case, location="3-2-103", reason="c")
    s.follower.catch_up()
    store = s.follower.store
    now = store.query("SELECT location, category, version FROM rm_case_index")
    assert [(r["location"], r["category"], r["version"]) for r in now] == [
        ("3-2-103", "drainage", 4)
    ]

    def then(instant: str) -> tuple[str, str]:
        (history,) = known_at(
            store, s.policy, s.follower.calendar, shanghai(instant), "c.case_id = ?",
            [str(case)],
        )  # fmt: skip
        return history.case.location, history.case.category

    assert then("2026-11-24T09:30") == ("3-2-101", "plumbing")
    assert then("2026-11-24T10:30") == ("3-2-102", "drainage")
    assert then("2026-11-24T11:30") == ("3-2-102", "drainage")  # the description alone
    assert then("2026-11-24T12:30") == ("3-2-103", "drainage")


def test_a_rebuild_reads_corrections_as_the_follower_did(db: str) -> None:
    with Scenario(db) as s:
        check_rebuild(s)


def check_rebuild(s: Scenario) -> None:
    case = s.receive("2026-11-24T09:00", "complaint", location="1-1-101")
    s.do("2026-11-24T10:00", "amend", case, location="1-1-102", reason="wrong unit")
    s.follower.catch_up()
    store = s.follower.store
    followed = store.query("SELECT * FROM rm_case_index")
    timeline = store.query("SELECT type, value FROM rm_timeline ORDER BY position")
    s.follower.rebuild()
    assert store.query("SELECT * FROM rm_case_index") == followed
    assert store.query("SELECT type, value FROM rm_timeline ORDER BY position") == timeline
    assert timeline[-1]["value"] == '{"location": ["1-1-101", "1-1-102"]}'
