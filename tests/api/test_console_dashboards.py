"""The SLA and first-contact dashboards over November at three communities' desks, on each
backend: every figure equals the reports API's at the same instant, and its link lists
exactly that many cases; scopes, refusals and the report files hold."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from html import unescape
from typing import Any

import pytest
from openpyxl import load_workbook

from api.storage.users import UserStore, open_users
from support.api_client import Api, running
from support.console import sign_in
from support.readside import Scenario
from support.request_bodies import BODIES
from support.three_communities import morning

PERIOD = {"from": "2026-11-01", "to": "2026-12-01"}
NOON = "2026-11-24T12:00:00+08:00"
ROW = re.compile(r'<tr data-case="([0-9a-f-]{36})">')
NEXT = re.compile(r'<a href="([^"]+)" rel="next">')
COUNTED_AT = re.compile(r'data-counted-at="([^"]+)"')
TABLE_ROW = re.compile(r'<tr data-row="([^"]+)">(.*?)</tr>', re.S)
CELL = re.compile(r'data-figure="(\w+)">(?:<a href="([^"]+)">)?(\d+)')
FIGURE = re.compile(r'<dd class="number" data-figure="(\d+)">')


def november(db: str) -> Scenario:
    """The morning of 24 November (three communities), and more of the month: cases closed
    in time and late, handed back and forth, urged, settled at first contact, cancelled;
    and one in October, outside the period."""
    s = morning(db)
    a = s.receive("2026-11-23T09:00", "repair", received_by="desk-zhang", community="sunny-garden")
    s.do("2026-11-23T09:05", "dispatch", a, assignee="eng-wang")
    s.do("2026-11-23T09:10", "sign", a, actor="eng-wang")
    s.do("2026-11-23T09:30", "arrive", a, actor="eng-wang")
    s.do("2026-11-23T10:00", "complete", a, actor="eng-wang", resolution="fixed")
    s.do("2026-11-23T11:00", "callback", a, outcome="satisfied")
    b = s.receive(
        "2026-11-20T09:00", "repair", received_by="desk-li", priority="emergency",
        community="default",
    )  # fmt: skip
    s.do("2026-11-20T10:00", "dispatch", b, actor="desk-li", assignee="eng-zhao")
    s.do("2026-11-20T10:05", "sign", b, actor="eng-zhao")
    s.do("2026-11-20T10:40", "arrive", b, actor="eng-zhao")
    s.do("2026-11-20T12:00", "complete", b, actor="eng-zhao", resolution="replaced the valve")
    s.do("2026-11-21T09:00", "callback", b, actor="desk-li", outcome="satisfied")
    c = s.receive("2026-11-18T14:00", "complaint", received_by="desk-li", community="default")
    s.do("2026-11-18T15:00", "urge", c, actor="desk-li", note="住户来电催促")
    s.do("2026-11-18T16:00", "urge", c, actor="desk-li", note="住户再次催促")
    for at, giver, taker in (
        ("2026-11-18T17:00", "desk-li", "desk-zhang"),
        ("2026-11-19T09:00", "desk-zhang", "desk-li"),
        ("2026-11-19T10:00", "desk-li", "desk-zhang"),
    ):
        s.do(at, "handover", c, actor=giver, to=taker, reason="shift")
    d = s.receive("2026-11-19T10:00", "complaint", received_by="desk-wu", community="lake-view")
    s.do("2026-11-19T10:05", "resolve", d, actor="desk-wu", resolution="explained the fee")
    s.do("2026-11-19T15:00", "callback", d, actor="desk-wu", outcome="satisfied")
    e = s.receive("2026-11-21T09:00", "repair", received_by="desk-zhang", community="sunny-garden")
    s.do("2026-11-21T09:02", "cancel", e, actor="desk-zhang", reason="duplicate")
    f = s.receive("2026-11-10T09:00", "renovation", received_by="desk-wu", community="lake-view")
    s.do("2026-11-12T09:00", "reject", f, actor="reviewer", reasons="no contractor licence")
    s.receive("2026-10-30T09:00", "repair", received_by="desk-zhang", community="sunny-garden")
    return s


@pytest.fixture
def company(db: str) -> Iterator[tuple[Api, UserStore]]:
    scenario = november(db)
    scenario.app.close()
    with running(db, follow=True) as api:
        users = open_users(api.config.settings)
        try:
            yield api, users
        finally:
            users.close()


def page(api: Api, path: str, **params: Any) -> str:
    # No `params` at all for an address with its own query: an empty one would replace it.
    answer = api.client.get(path, params=params) if params else api.client.get(path)
    assert answer.status_code == 200, answer.text
    return answer.text


def listed(api: Api, url: str) -> list[str]:
    """Every case a queue address lists, page after page."""
    found: list[str] = []
    while True:
        text = page(api, url)
        found.extend(ROW.findall(text))
        more = NEXT.search(text)
        if more is None:
            return found
        url = unescape(more.group(1))


def shown(text: str) -> dict[str, dict[str, tuple[int, str | None]]]:
    """A dashboard's table: per row, each figure and its link."""
    return {
        unescape(name): {
            figure: (int(value), unescape(link) if link else None)
            for figure, link, value in CELL.findall(cells)
        }
        for name, cells in TABLE_ROW.findall(text)
    }


def report(api: Api, path: str, **params: Any) -> dict[str, Any]:
    answer = api.client.get(f"/reports/{path}", params=params, headers=api.supervisor)
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


def sla_figures(document: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {
        f"{r['kind']}/{r['priority']}/{r['milestone']}": {
            v: r[v] for v in ("met", "breached", "pending")
        }
        for r in document["rows"]
    }


def staff_figures(document: dict[str, Any]) -> dict[str, dict[str, int]]:
    names = ("received", "owned", "open", "closed", "overdue", "handed_over")
    more = ("resolved_at_first_contact", "urged")
    return {r["staff"]: {f: r[f] for f in (*names, *more)} for r in document["rows"]}


def plain(table: dict[str, dict[str, tuple[int, str | None]]]) -> dict[str, dict[str, int]]:
    return {row: {f: value for f, (value, _) in cells.items()} for row, cells in table.items()}


def check_links(api: Api, table: dict[str, dict[str, tuple[int, str | None]]]) -> int:
    """Every figure's link lists as many cases as it says (zeros link nowhere); how many
    links were followed."""
    followed = 0
    for cells in table.values():
        for value, link in cells.values():
            if value == 0:
                assert link is None
                continue
            assert link is not None
            assert len(listed(api, link)) == value, link
            followed += 1
    return followed


@pytest.mark.parametrize("as_of", [NOON, None], ids=["past", "now"])
def test_every_sla_figure_equals_the_report_api_and_links_to_as_many_cases(
    company: tuple[Api, UserStore], as_of: str | None
) -> None:
    api, users = company
    sign_in(api.client, users, "boss-liu", "supervisor")
    asked = {**PERIOD, "as_of": as_of} if as_of else PERIOD
    text = page(api, "/console/sla", **asked)
    counted = COUNTED_AT.search(text)
    assert counted is not None
    if as_of:
        assert counted.group(1) == as_of
    table = shown(text)
    assert plain(table) == sla_figures(report(api, "sla", **PERIOD, as_of=counted.group(1)))
    assert sum(v for cells in plain(table).values() for v in cells.values()) > 10
    assert check_links(api, table) > 5


@pytest.mark.parametrize("as_of", [NOON, None], ids=["past", "now"])
def test_every_first_contact_figure_equals_the_report_api_and_links_to_its_cases(
    company: tuple[Api, UserStore], as_of: str | None
) -> None:
    api, users = company
    sign_in(api.client, users, "boss-liu", "supervisor")
    asked = {**PERIOD, "as_of": as_of} if as_of else PERIOD
    text = page(api, "/console/first-contact", **asked)
    counted = COUNTED_AT.search(text)
    assert counted is not None
    table = shown(text)
    document = report(api, "first-contact", **PERIOD, as_of=counted.group(1))
    assert plain(table) == staff_figures(document)
    # desk-li handed one complaint over twice, and it was urged twice: events, not cases.
    events = {"desk-li": ("handed_over", 2), "desk-zhang": ("urged", 2)}
    for staff, (figure, value) in events.items():
        count, link = table[staff][figure]
        assert count == value
        assert link is not None
        drilled = page(api, link)
        assert len(ROW.findall(drilled)) == 1
        assert FIGURE.findall(drilled) == [str(value)]
        table[staff][figure] = (1, link)  # one case behind the figure
    assert check_links(api, table) > 5


def test_a_drill_down_lists_closed_cases_too_and_says_the_open_only_filter_does_not_apply(
    company: tuple[Api, UserStore],
) -> None:
    api, users = company
    sign_in(api.client, users, "boss-liu", "supervisor")
    table = shown(page(api, "/console/sla", **PERIOD, as_of=NOON, lang="en"))
    count, link = table["repair/emergency/dispatch"]["breached"]
    assert link is not None
    assert count == 1  # desk-li's repair, dispatched an hour late, closed
    text = page(api, link)
    assert "open only" in text
    assert len(ROW.findall(text)) == 1
    assert "<td>Closed</td>" in text
    assert ROW.findall(text)[0] not in listed(api, "/console/cases")  # open ones by default
    download = api.client.get(link + "&format=csv")
    assert [r["case_id"] for r in csv.DictReader(io.StringIO(download.text.lstrip("\ufeff")))] == (
        ROW.findall(text)
    )
    for narrowing in ("state=open", "assignee=eng-wang", "sla=breached", "owner=desk-li"):
        answer = api.client.get(f"{link}&{narrowing}")
        assert answer.status_code == 422, narrowing
        assert narrowing.split("=")[0] in answer.text
    assert api.client.get(f"{link}&state=all").status_code == 200


def test_links_carry_the_counted_instant_so_a_case_recorded_later_changes_neither(
    company: tuple[Api, UserStore],
) -> None:
    api, users = company
    sign_in(api.client, users, "boss-liu", "supervisor")
    first = page(api, "/console/sla", **PERIOD)
    before = shown(first)
    count, link = before["repair/normal/dispatch"]["breached"]
    assert link is not None
    # A repair received on 25 November, entered now by an admin: recorded after the count.
    admin = api.auth("it-chen", "admin")
    late = {**BODIES["repair"], "priority": "normal", "community": "sunny-garden"}
    late |= {"received_at": "2026-11-25T09:00:00+08:00", "late_reason": "paper form"}
    answer = api.client.post("/requests", json=late, headers=admin)
    assert answer.status_code == 201, answer.text
    api.client.get("/reports/sla", params={"min_position": api.head()}, headers=api.supervisor)
    assert len(listed(api, link)) == count
    again = page(api, "/console/sla", **PERIOD)  # within the minute: the same count, said so
    assert COUNTED_AT.findall(again) == COUNTED_AT.findall(first)
    assert shown(again) == before
    time.sleep(1)  # a dashboard's instant is a whole second: the next one knows the case
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    after = shown(page(api, "/console/sla", **PERIOD, as_of=now))
    assert after["repair/normal/dispatch"]["breached"][0] == count + 1


def test_a_scoped_user_sees_only_their_communities_figures_and_cases(
    company: tuple[Api, UserStore],
) -> None:
    api, users = company
    sign_in(api.client, users, "wu-lead", "supervisor", ["lake-view"])
    text = page(api, "/console/first-contact", **PERIOD, as_of=NOON)
    table = shown(text)
    alone = report(api, "first-contact", **PERIOD, as_of=NOON, community="lake-view")
    assert plain(table) == staff_figures(alone)
    assert "sunny-garden" not in text
    sla = shown(page(api, "/console/sla", **PERIOD, as_of=NOON))
    assert plain(sla) == sla_figures(
        report(api, "sla", **PERIOD, as_of=NOON, community="lake-view")
    )
    for cells in sla.values():
        for _, link in cells.values():
            if link:
                rows = page(api, link)
                assert "<td>sunny-garden</td>" not in rows
                assert "<td>default</td>" not in rows
    assert check_links(api, table) > 0


def test_another_community_answers_403_and_a_period_ending_first_or_over_a_year_422(
    company: tuple[Api, UserStore],
) -> None:
    api, users = company
    sign_in(api.client, users, "wu-lead", "supervisor", ["lake-view"])
    for path in ("/console/sla", "/console/first-contact"):
        assert api.client.get(path, params={"community": "sunny-garden"}).status_code == 403
        periods = (("2026-11-10", "2026-11-10"), ("2026-11-10", "2026-11-01"))
        for start, end in (*periods, ("2025-01-01", "2026-12-01")):  # or longer than a year
            answer = api.client.get(path, params={"from": start, "to": end})
            assert answer.status_code == 422
            assert "to" in answer.text
        assert api.client.get(path, params={"format": "pdf"}).status_code == 422
    drill = "drill=first-contact&staff=desk-wu&figure=received&from=2026-11-01&to=2026-12-01"
    assert api.client.get(f"/console/cases?{drill}&community=sunny-garden").status_code == 403
    assert api.client.get(f"/console/cases?{drill}&community=lake-view").status_code == 200
    bad = drill.replace("to=2026-12-01", "to=2026-11-01")
    assert api.client.get(f"/console/cases?{bad}").status_code == 422
    assert api.client.get(f"/console/cases?{drill}&figure=everything").status_code == 422


def test_the_downloads_carry_the_dashboard_s_figures(company: tuple[Api, UserStore]) -> None:
    api, users = company
    sign_in(api.client, users, "ana-chen", "analyst")
    for path, name, figures in (
        ("/console/sla", "sla", sla_figures),
        ("/console/first-contact", "first-contact", staff_figures),
    ):
        text = page(api, path, **PERIOD)
        links = dict(re.findall(r'<a href="([^"]+format=(\w+)[^"]*)" download>', text))
        downloads = {fmt: unescape(link) for link, fmt in links.items()}
        assert set(downloads) == {"csv", "xlsx", "json"}
        document = json.loads(api.client.get(downloads["json"]).content)
        assert document == report(api, name, **PERIOD, as_of=document["as_of"])
        assert plain(shown(text)) == figures(document)
        rows = list(csv.DictReader(io.StringIO(api.client.get(downloads["csv"]).text)))
        assert len(rows) == len(document["rows"])
        key = "met" if name == "sla" else "received"
        assert [int(r[key]) for r in rows] == [r[key] for r in document["rows"]]
        book = load_workbook(io.BytesIO(api.client.get(downloads["xlsx"]).content))
        column = list(document["rows"][0]).index(key)
        cells = [r[column] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
        assert cells == [r[key] for r in document["rows"]]


def test_the_chart_is_svg_with_titles_and_its_weeks_add_up_to_the_table(
    company: tuple[Api, UserStore],
) -> None:
    api, users = company
    sign_in(api.client, users, "boss-liu", "supervisor")
    text = page(api, "/console/sla", **PERIOD, as_of=NOON)
    svg = text[text.index("<svg") : text.index("</svg>")]
    for element in ("<title", "<rect", "<polyline"):
        assert element in svg
    assert "style=" not in text
    assert "<script>" not in text
    week = r'<th scope="row">[^<]*</th>\s*<td class="number">(\d+)</td>\s*'
    weeks = re.findall(week + r'<td class="number">(\d+)</td>', text)
    # Monday to Sunday, cut at the period's ends: 1 (a Sunday), 2-8, 9-15, 16-22, 23-29, 30.
    assert len(weeks) == 6
    document = report(api, "sla", **PERIOD, as_of=NOON)
    assert sum(int(m) for m, _ in weeks) == sum(r["met"] for r in document["rows"])
    assert sum(int(b) for _, b in weeks) == sum(r["breached"] for r in document["rows"])


def test_who_may_open_the_dashboards_and_drill_down(company: tuple[Api, UserStore]) -> None:
    api, users = company
    drill = "/console/cases?drill=sla&kind=repair&priority=normal&milestone=dispatch"
    drill += f"&verdict=met&from=2026-11-01&to=2026-12-01&as_of={NOON.replace('+', '%2B')}"
    for name, role, allowed in (
        ("ana-chen", "analyst", True),
        ("it-chen", "admin", True),
        ("desk-zhang", "agent", False),
        ("eng-wang", "worker", False),
    ):
        sign_in(api.client, users, name, role)
        for path in ("/console/sla", "/console/first-contact", drill):
            assert api.client.get(path).status_code == (200 if allowed else 403), (name, path)
