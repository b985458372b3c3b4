"""The access-log page: the personal-data reveals AccessLog.record wrote, newest first, in
Asia/Shanghai time, by case (id or number) and by person, as CSV too; admins of every
community only; on each backend."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from api.http.runtime import Runtime
from api.storage.tokens import Principal
from api.storage.users import UserStore, open_users
from support.api_client import Api
from support.console import sign_in
from workflow.roles import Role

_ROW = re.compile(r'<tr data-case="([0-9a-f-]+)">(.*?)</tr>', re.S)
AT = datetime(2026, 12, 1, 2, 30, 15, tzinfo=UTC)  # 10:30:15 in Shanghai


def logged(api: Api) -> tuple[str, str]:
    """Two cases; desk-zhang revealed the first's phone, then boss-liu both."""
    first, second = api.create("repair")["id"], api.create("complaint")["id"]
    rt: Runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    zhang, liu = Principal("desk-zhang", Role.AGENT), Principal("boss-liu", Role.SUPERVISOR)
    rt.access_log.record(zhang, first, "reporter.phone", AT)
    rt.access_log.record(liu, first, "reporter.phone", AT + timedelta(minutes=1))
    rt.access_log.record(liu, second, "reporter.phone", AT + timedelta(minutes=2))
    return first, second


def rows(page: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in _ROW.finditer(page)]


def test_the_log_lists_every_entry_newest_first_in_shanghai_time_with_links_to_the_cases(
    api_on: Api, users: UserStore
) -> None:
    first, second = logged(api_on)
    sign_in(api_on.client, users, "it-chen", "admin")
    page = api_on.client.get("/console/access-log")
    assert page.status_code == 200
    found = rows(page.text)
    assert [case for case, _ in found] == [second, first, first]
    number = api_on.client.get(f"/requests/{first}", headers=api_on.agent).json()["number"]
    assert f'<a href="/console/cases/{first}">{number}</a>' in found[2][1]
    assert "2026-12-01 10:30:15" in found[2][1]
    assert "desk-zhang" in found[2][1]
    assert "<code>reporter.phone</code>" in found[0][1]


def test_the_log_filters_by_case_id_or_number_and_by_person(api_on: Api, users: UserStore) -> None:
    first, second = logged(api_on)
    number = api_on.client.get(f"/requests/{first}", headers=api_on.agent).json()["number"]
    sign_in(api_on.client, users, "it-chen", "admin")

    def listed(**query: str) -> list[str]:
        answer = api_on.client.get("/console/access-log", params=query)
        assert answer.status_code == 200, answer.text
        return [case for case, _ in rows(answer.text)]

    assert listed(case=first) == [first, first]
    assert listed(case=number) == [first, first]
    assert listed(user="desk-zhang") == [first]
    assert listed(user="boss-liu", case=second) == [second]
    assert listed(case="BX-20200101-0001") == []
    refused = api_on.client.get("/console/access-log", params={"case": "not a case"})
    assert refused.status_code == 422
    assert "query.case" in refused.text


def test_the_csv_download_holds_the_entries_of_the_list(api: Api) -> None:
    first, _ = logged(api)
    with_users = open_users(api.config.settings)
    try:
        sign_in(api.client, with_users, "it-chen", "admin")
    finally:
        with_users.close()
    answer = api.client.get("/console/access-log", params={"case": first, "format": "csv"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert [(r["who"], r["role"], r["case_id"]) for r in table] == [
        ("boss-liu", "supervisor", first),
        ("desk-zhang", "agent", first),
    ]
    assert datetime.fromisoformat(table[1]["at"]) == AT
    assert table[1]["at"].endswith("+08:00")
    assert table[1]["number"].startswith("BX-")


@pytest.mark.parametrize("role", ["supervisor", "agent", "analyst", "worker"])
def test_only_admins_may_open_the_access_log(api: Api, role: str) -> None:
    with_users = open_users(api.config.settings)
    try:
        sign_in(api.client, with_users, f"someone-{role}", role)
    finally:
        with_users.close()
    assert api.client.get("/console/access-log").status_code == 403


def test_an_admin_of_some_communities_may_not_read_the_whole_log(
    api_on: Api, users: UserStore
) -> None:
    admin = api_on.auth("it-chen", "admin")
    added = api_on.client.post("/communities", json={"code": "lake", "name": "湖畔"}, headers=admin)
    assert added.status_code == 201, added.text
    sign_in(api_on.client, users, "it-lake", "admin", ["lake"])
    answer = api_on.client.get("/console/access-log")
    assert answer.status_code == 403
    assert "access log" in answer.text
