"""GET /reports/...?group_by=community: a block of rows per community, then the total, in
JSON, CSV and xlsx alike, on each backend; any other grouping is refused with the one
allowed."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from openpyxl import load_workbook

from support.api_client import Api
from support.request_bodies import BODIES

PERIOD = {"from": "2026-01-01", "to": "2099-01-01"}


def with_cases(api: Api) -> dict[str, Any]:
    """desk-zhang receives in sunny-garden and lake; desk-wu in lake; the read models
    caught up."""
    admin = api.auth("it-chen", "admin")
    for code in ("sunny-garden", "lake"):
        added = api.client.post("/communities", json={"code": code, "name": code}, headers=admin)
        assert added.status_code == 201, added.text
    api.create(community="sunny-garden")
    api.create(community="sunny-garden")
    api.create(community="lake")
    wu = api.auth("desk-wu", "agent")
    answer = api.client.post(
        "/requests", json={**BODIES["repair"], "community": "lake"}, headers=wu
    )
    assert answer.status_code == 201, answer.text
    return {**PERIOD, "min_position": api.head()}


def report(api: Api, path: str, **params: Any) -> httpx.Response:
    answer = api.client.get(f"/reports/{path}", params=params, headers=api.analyst)
    assert answer.status_code == 200, answer.text
    return answer


def test_grouped_reports_give_each_community_s_block_then_the_total(api_on: Api) -> None:
    params = with_cases(api_on)
    grouped = report(api_on, "first-contact", **params, group_by="community").json()
    assert grouped["group_by"] == "community"
    received = [(r["community"], r["staff"], r["received"]) for r in grouped["rows"]]
    assert received == [
        ("lake", "desk-wu", 1),
        ("lake", "desk-zhang", 1),
        ("sunny-garden", "desk-zhang", 2),
        (None, "desk-wu", 1),
        (None, "desk-zhang", 3),
    ]
    whole = report(api_on, "first-contact", **params).json()
    assert "group_by" not in whole
    assert [r for r in grouped["rows"] if r["community"] is None] == [
        {"community": None, **r} for r in whole["rows"]
    ]
    sla = report(api_on, "sla", **params, group_by="community").json()
    dispatch = {
        r["community"]: r["met"] + r["breached"] + r["pending"]
        for r in sla["rows"]
        if r["milestone"] == "dispatch"
    }
    assert dispatch == {"lake": 2, "sunny-garden": 2, None: 4}


def test_grouped_with_a_filter_counts_the_chosen_communities_alone(api_on: Api) -> None:
    params = with_cases(api_on)
    grouped = report(api_on, "first-contact", **params, community="lake", group_by="community")
    document = grouped.json()
    assert (document["communities"], document["group_by"]) == (["lake"], "community")
    assert [(r["community"], r["staff"], r["received"]) for r in document["rows"]] == [
        ("lake", "desk-wu", 1),
        ("lake", "desk-zhang", 1),
        (None, "desk-wu", 1),
        (None, "desk-zhang", 1),
    ]


def test_grouped_csv_and_xlsx_begin_each_row_with_its_community(api_on: Api) -> None:
    params = with_cases(api_on)
    answer = report(api_on, "sla", **params, group_by="community", format="csv")
    assert answer.headers["content-disposition"] == (
        'attachment; filename="sla-by-community-2026-01-01-2099-01-01.csv"'
    )
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0][:2] == ["community", "kind"]
    assert sorted({row[0] for row in rows[1:]}) == ["lake", "sunny-garden", "全部"]
    assert rows[-1][0] == "全部"
    book = report(api_on, "sla", **params, group_by="community", format="xlsx")
    sheet = load_workbook(io.BytesIO(book.content))["SLA"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][:2] == ["小区", "类型"]
    assert [row[0] for row in cells[1:]] == [row[0] for row in rows[1:]]


def test_a_grouping_other_than_community_is_refused_naming_it(api: Api) -> None:
    answer = api.client.get(
        "/reports/first-contact", params={**PERIOD, "group_by": "staff"}, headers=api.analyst
    )
    assert answer.status_code == 422, answer.text
    assert "query.group_by: Input should be 'community'" in answer.json()["detail"]
