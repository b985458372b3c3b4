"""The dashboards in Chromium: every count is a link to the queue listing exactly that many
cases, and equals the report API's figure for the same period, communities and instant."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page

from api.console.navigation import PAGES
from support.browser_server import OpenAs, SeededConsole, needs

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The report API's path and the row key of each dashboard.
DASHBOARDS = {
    "sla": ("/reports/sla", ("kind", "priority", "milestone")),
    "first_contact": ("/reports/first-contact", ("staff",)),
}


def _period() -> str:
    """Yesterday to tomorrow in Shanghai: every seeded case, whatever the day of the month."""
    today = datetime.now(SHANGHAI).date()
    return f"from={today - timedelta(days=1)}&to={today + timedelta(days=2)}"


def _figures(page: Page) -> list[tuple[str, str, int, str]]:
    """(row, figure, count, link) of every count shown as a link."""
    found: list[list[Any]] = page.locator("td[data-figure] a").evaluate_all(
        """links => links.map(a => [
            a.closest('tr').dataset.row,
            a.closest('td').dataset.figure,
            Number(a.innerText.replace(/,/g, '')),
            a.getAttribute('href'),
        ])"""
    )
    return [(row, figure, count, href) for row, figure, count, href in found]


def _listed(page: Page, href: str) -> int:
    answer = page.goto(href)
    assert answer is not None
    assert answer.status == 200, href
    assert page.locator("p.past").count() == 1  # the cases as they stood when counted
    return page.locator("table.cases tbody tr[data-case]").count()


def _api_rows(page: Page, console: SeededConsole, dashboard: str, as_of: str) -> list[Any]:
    path, _ = DASHBOARDS[dashboard]
    answer = page.request.get(
        console.url(f"{path}?format=json&{_period()}"),
        params={"as_of": as_of},
        headers={"Authorization": f"Bearer {console.token}"},
    )
    assert answer.status == 200, answer.text()
    rows: list[Any] = answer.json()["rows"]
    return rows


@pytest.mark.parametrize("dashboard", list(DASHBOARDS))
def test_every_count_lists_as_many_cases_as_it_says_and_equals_the_api_s_figure(
    open_as: OpenAs, console: SeededConsole, dashboard: str
) -> None:
    needs(PAGES[dashboard])
    page = open_as("supervisor")
    page.goto(PAGES[dashboard].path + "?" + _period())
    figures = _figures(page)
    assert figures, "the dashboard shows no count to follow"
    instants = {parse_qs(urlsplit(href).query)["as_of"][0] for *_, href in figures}
    assert len(instants) == 1  # one count, at one instant, behind every link
    _, key = DASHBOARDS[dashboard]
    api = {
        "/".join(str(r[k]) for k in key): r
        for r in _api_rows(page, console, dashboard, instants.pop())
    }
    for row, figure, count, href in figures:
        assert api[row][figure] == count, (row, figure)
        assert _listed(page, href) == count, (row, figure, href)


def test_breached_milestones_are_counted_and_their_links_list_the_late_case(
    open_as: OpenAs, console: SeededConsole
) -> None:
    needs(PAGES["sla"])
    page = open_as("supervisor")
    page.goto("/console/sla?" + _period())
    breached = {row: (count, href) for row, figure, count, href in _figures(page)
                if figure == "breached"}  # fmt: skip
    # Received three hours ago and never dispatched: nobody was sent, nobody arrived. (The
    # other emergencies were dispatched at once; they are late on site after 30 minutes.)
    assert breached["repair/emergency/dispatch"][0] == 1
    for row in ("repair/emergency/dispatch", "repair/emergency/on_site"):
        count, href = breached[row]
        page.goto(href)
        ids = page.locator("table.cases tbody tr[data-case]").evaluate_all(
            "rows => rows.map(r => r.dataset.case)"
        )
        assert console.case_id("late") in ids
        assert len(ids) == count


def test_the_agent_s_dashboards_are_refused_and_the_analyst_s_counts_cover_every_community(
    open_as: OpenAs, console: SeededConsole
) -> None:
    needs(PAGES["first_contact"])
    agent = open_as("agent")
    answer = agent.goto("/console/first-contact")
    assert answer is not None
    assert answer.status == 403
    analyst = open_as("analyst")
    analyst.goto("/console/first-contact?" + _period())
    received = {row: count for row, figure, count, _ in _figures(analyst) if figure == "received"}
    assert received == {"desk-zhang": len(console.cases)}
