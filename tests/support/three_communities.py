"""A morning at the front desks of three communities, for reports grouped or filtered by
community: desk-zhang works in sunny-garden and lake-view, desk-li in default and (by a
handover) sunny-garden, desk-wu in lake-view."""

from __future__ import annotations

from api.storage.communities import open_communities
from support.readside import Scenario

AS_OF = "2026-11-24T12:00"
# The command line's options for the morning: its day, as of noon.
WINDOW = ["--from", "2026-11-24", "--to", "2026-11-25", "--as-of", f"{AS_OF}:00+08:00"]


def morning(db: str) -> Scenario:
    s = Scenario(db)
    registry = open_communities(s.settings)
    for code in ("sunny-garden", "lake-view"):
        registry.register(code, code, by="it-chen")
    registry.close()
    # sunny-garden: a repair dispatched in 10 minutes; one handed over to desk-li, never
    # dispatched (breached by noon).
    a = s.receive("2026-11-24T09:00", "repair", received_by="desk-zhang", community="sunny-garden")
    s.do("2026-11-24T09:10", "dispatch", a, assignee="eng-wang")
    b = s.receive("2026-11-24T09:20", "repair", received_by="desk-zhang", community="sunny-garden")
    s.do("2026-11-24T09:25", "handover", b, actor="desk-zhang", to="desk-li", reason="shift")
    # lake-view: a repair dispatched after 90 minutes; a complaint received by desk-zhang.
    c = s.receive("2026-11-24T09:00", "repair", received_by="desk-wu", community="lake-view")
    s.do("2026-11-24T10:30", "dispatch", c, actor="desk-wu", assignee="eng-zhao")
    s.receive("2026-11-24T09:40", "complaint", received_by="desk-zhang", community="lake-view")
    # default: a repair dispatched in 5 minutes.
    e = s.receive("2026-11-24T10:00", "repair", received_by="desk-li", community="default")
    s.do("2026-11-24T10:05", "dispatch", e, actor="desk-li", assignee="eng-wang")
    return s
