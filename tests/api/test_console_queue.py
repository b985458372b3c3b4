"""The console's queue over a morning at three communities' desks, on each backend: live
and past views agree, filters and scopes hold, the CSV is the list."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from api.console.case_queue import QueueRow, clocks_of, matches_sla
from api.console.past_queue import past_page, queue_order
from api.console.queue_filters import QueueFilters
from api.storage.users import UserStore, open_users
from projections.asof import known_at
from support.api_client import Api, running
from support.console import sign_in
from support.three_communities import morning

ROW = re.compile(r'<tr data-case="([0-9a-f-]{36})">')
SLA = ("", "breached", "at_risk", "paused", "ever_breached")


@pytest.fixture
def desk(db: str) -> Iterator[tuple[Api, UserStore]]:
    scenario = morning(db)
    scenario.app.close()
    with running(db, follow=True) as api:
        users = open_users(api.config.settings)
        try:
            yield api, users
        finally:
            users.close()


def listed(api: Api, query: str) -> list[str]:
    answer = api.client.get(f"/console/cases?{query}")
    assert answer.status_code == 200, answer.text
    return ROW.findall(answer.text)


def test_the_live_queue_and_its_past_view_at_this_moment_agree_on_every_condition(
    desk: tuple[Api, UserStore],
) -> None:
    api, users = desk
    sign_in(api.client, users, "boss-liu", "supervisor")
    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    for condition in SLA:
        for sort in ("due", "received"):
            query = f"sla={condition}&within=10080&sort={sort}"
            live = listed(api, query)
            past = listed(api, f"{query}&as_of={now.replace('Z', '%2B00:00')}")
            assert live == past, condition
    assert len(listed(api, "")) == 5  # every case of the morning is open


def test_a_past_view_shows_the_cases_as_they_stood_then(desk: tuple[Api, UserStore]) -> None:
    api, users = desk
    sign_in(api.client, users, "boss-liu", "supervisor")
    page = api.client.get("/console/cases?as_of=2026-11-24T09:15&state=all")
    assert page.status_code == 200
    assert len(ROW.findall(page.text)) == 2  # recorded by 09:15: two repairs
    assert "历史视图" in page.text
    assert (
        page.text.count("已派单") == 2
    )  # the filter's option, and the one case dispatched by then
    assert "hx-trigger" not in page.text  # a past view does not refresh itself


def test_the_breached_filter_lists_open_cases_past_a_due_time(desk: tuple[Api, UserStore]) -> None:
    api, users = desk
    sign_in(api.client, users, "boss-liu", "supervisor")
    breached = listed(api, "sla=breached")
    assert breached
    assert set(breached) <= set(listed(api, ""))
    page = api.client.get("/console/cases?sla=breached").text
    assert "−" in page  # a negative time to breach
    assert listed(api, "sla=paused") == []


def test_a_scoped_user_sees_only_their_community_and_is_refused_another(
    desk: tuple[Api, UserStore],
) -> None:
    api, users = desk
    sign_in(api.client, users, "desk-wu", "agent", communities={"lake-view"})
    mine = api.client.get("/console/cases").text
    assert len(ROW.findall(mine)) == 2
    assert "sunny-garden" not in mine
    refused = api.client.get("/console/cases?community=sunny-garden")
    assert refused.status_code == 403
    assert "lake-view" in refused.text  # the refusal names the user's own communities


def test_a_worker_sees_only_the_cases_assigned_to_them(desk: tuple[Api, UserStore]) -> None:
    api, users = desk
    sign_in(api.client, users, "eng-wang", "worker")
    assert len(listed(api, "")) == 2
    assert len(listed(api, "assignee=eng-zhao")) == 2  # the filter cannot widen it


def test_the_csv_download_is_the_filtered_list(desk: tuple[Api, UserStore]) -> None:
    api, users = desk
    sign_in(api.client, users, "boss-liu", "supervisor")
    for query in ("", "kind=repair", "sla=breached&sort=received"):
        answer = api.client.get(f"/console/cases?{query}&format=csv")
        assert answer.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
        assert [r["case_id"] for r in rows] == listed(api, query)


@pytest.mark.parametrize(
    "query",
    ["kind=bogus", "sla=late", "within=0", "as_of=yesterday", "page=-1", "as_of=2999-01-01T00:00"],
)
def test_a_bad_filter_answers_422_naming_it(desk: tuple[Api, UserStore], query: str) -> None:
    api, users = desk
    sign_in(api.client, users, "boss-liu", "supervisor")
    answer = api.client.get(f"/console/cases?{query}")
    assert answer.status_code == 422
    assert f"query.{query.split('=')[0]}" in answer.text


def _every_case_rebuilt(api: Api, filters: QueueFilters, as_of: datetime) -> list[str]:
    """The queue at `as_of` the slow, plain way: every case rebuilt from the timeline."""
    rt = api.client.app.state.runtime  # type: ignore[attr-defined]
    then = rt.policy.known_by(as_of)
    kept = []
    for history in known_at(rt.store, rt.policy, rt.calendar, as_of, "1 = 1", []):
        case = history.case
        if filters.state == "open" and not case.is_open:
            continue
        if filters.state not in ("open", "all") and case.state != filters.state:
            continue
        clocks = clocks_of(case, then, rt.calendar, as_of)
        if matches_sla(filters.sla, clocks, case.is_open, filters.within, as_of):
            kept.append(QueueRow(case, None, clocks))
    return [r.case.case_id for r in sorted(kept, key=queue_order(filters.sort))]


@pytest.mark.parametrize("instant", ["09:05", "09:15", "09:30", "10:02", "10:45", "12:00"])
def test_a_past_view_lists_what_rebuilding_every_case_at_that_instant_gives(
    desk: tuple[Api, UserStore], instant: str
) -> None:
    api, users = desk
    sign_in(api.client, users, "boss-liu", "supervisor")
    rt = api.client.app.state.runtime  # type: ignore[attr-defined]
    as_of = datetime.fromisoformat(f"2026-11-24T{instant}:00+08:00")
    for condition in (None, "breached", "at_risk", "ever_breached"):
        for state in ("open", "all", "dispatched"):
            for sort in ("due", "received"):
                filters = QueueFilters(state=state, sla=condition, sort=sort, within=30)
                found = past_page(
                    rt.store, rt.policy, rt.calendar, filters, None, as_of, rt.numbers.numbers_of
                )
                expected = _every_case_rebuilt(api, filters, as_of)
                assert [r.case.case_id for r in found.rows] == expected
                assert found.total == len(expected)
