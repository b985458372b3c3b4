"""The ids of the cases a process saved lately: intake answers a retry of one alone."""

from __future__ import annotations

from uuid import uuid4

from workflow.new_cases import RecentIds


def test_recent_ids_keep_the_newest_and_forget_the_oldest_beyond_their_size() -> None:
    recent = RecentIds(size=3)
    ids = [uuid4() for _ in range(4)]
    for case_id in ids:
        recent.remember(case_id)
    assert [case_id in recent for case_id in ids] == [False, True, True, True]
    recent.remember(ids[1])  # remembered again: still known, and nothing else forgotten
    assert [case_id in recent for case_id in ids] == [False, True, True, True]
