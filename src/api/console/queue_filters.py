"""The queue's filters, read from the page's address (so that a filtered queue is a
bookmark), and what each SLA condition means.

| sla            | the case                                                           |
| -------------- | ------------------------------------------------------------------ |
| breached       | is open and a running milestone is past its due time               |
| at_risk        | is open and a running milestone falls due within `within` minutes  |
| paused         | is open and a milestone is paused by a hold                        |
| ever_breached  | has a milestone over its target, stopped or running, open or not   |

`drill=...` lists the cases behind one figure of a dashboard instead
(`api.console.dashboards.selection`): open and closed alike, the other filters refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fastapi import Request

from api.console import params
from api.console.dashboards.selection import Drill, read_drill
from api.http.searching import words_of
from workflow.lifecycles import LIFECYCLES
from workflow.vocabulary import PRIORITIES, Kind

SLA_CONDITIONS = ("breached", "at_risk", "paused", "ever_breached")
STATES = tuple(dict.fromkeys(s for lc in LIFECYCLES.values() for s in lc.states))
# `open` (the default) and `all` besides the states themselves.
STATE_CHOICES = ("open", "all", *STATES)
PRIORITY_CHOICES = tuple(dict.fromkeys(p for ps in PRIORITIES.values() for p in ps))
SORTS = ("due", "received")
PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilters:
    communities: tuple[str, ...] = ()
    kind: str | None = None
    state: str = "open"
    priority: str | None = None
    assignee: str | None = None
    owner: str | None = None
    unclaimed: bool = False  # open cases received unowned that no one has claimed yet
    received_from: date | None = None
    received_to: date | None = None  # the last day included
    sla: str | None = None
    within: int = 60  # minutes, for at_risk
    number: str | None = None  # a case number: the search opens that case
    location: str | None = None  # a location and every unit under it (3-2 finds 3-2-1201)
    words: tuple[str, ...] = ()  # each in the description, anywhere
    phone: str | None = None  # the reporter's; agents and supervisors only
    reporter_refs: tuple[str, ...] | None = None  # the records with that phone, looked up
    sort: str = "due"
    page: int = 1
    as_of: datetime | None = None
    drill: Drill | None = None  # the cases behind a dashboard's figure

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE


def read_filters(request: Request) -> QueueFilters:
    q = request.query_params
    communities = tuple(
        dict.fromkeys(
            c for c in (params.short("community", v, 64) for v in q.getlist("community")) if c
        )
    )
    if len(communities) > 100:
        raise params.refused("community", "at most 100 communities")
    drill = read_drill(q)
    return QueueFilters(
        communities=communities,
        kind=params.one_of("kind", q.get("kind"), [k.value for k in Kind]),
        state=params.one_of("state", q.get("state"), STATE_CHOICES) or ("all" if drill else "open"),
        priority=params.one_of("priority", q.get("priority"), PRIORITY_CHOICES),
        assignee=params.short("assignee", q.get("assignee")),
        owner=params.short("owner", q.get("owner")),
        unclaimed=params.one_of("unclaimed", q.get("unclaimed"), ("true", "false")) == "true",
        received_from=params.day("received_from", q.get("received_from")),
        received_to=params.day("received_to", q.get("received_to")),
        sla=params.one_of("sla", q.get("sla"), SLA_CONDITIONS),
        within=params.whole("within", q.get("within"), 1, 7 * 24 * 60, 60),
        number=params.short("number", q.get("number"), 40),
        location=params.short("location", q.get("location")),
        words=words_of(text) if (text := params.short("text", q.get("text"), 500)) else (),
        phone=params.short("phone", q.get("phone"), 40),
        sort=params.one_of("sort", q.get("sort"), SORTS) or "due",
        page=params.whole("page", q.get("page"), 1, 100_000, 1),
        as_of=params.moment("as_of", q.get("as_of")),
        drill=drill,
    )
