"""Reports grouped by community: a block of rows per community, in code order, then the
total over the same cases; counted in one pass, on each backend, from the library and the
command line. A staff member who works in several communities appears in each of their
blocks, and once in the total."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from api.cli.main import app
from projections.asof import Period
from projections.first_contact import first_contact_report
from projections.report_document import FIRST_CONTACT_FIELDS, Report
from projections.reports import sla_report
from support.readside import Scenario, shanghai
from support.three_communities import AS_OF, WINDOW, morning

PERIOD = Period(date(2026, 11, 24), date(2026, 11, 25))
# The figures of each report that are counts, and so add up across communities.
COUNTS = {
    "sla": ("met", "breached", "pending", "late_stops"),
    "first-contact": FIRST_CONTACT_FIELDS[1:-1],
}


@pytest.fixture
def desks(db: str) -> Scenario:
    return morning(db)


def blocks(report: Report) -> dict[str | None, list[dict[str, Any]]]:
    """The rows of each block, without their community, in the order the report gives."""
    found: dict[str | None, list[dict[str, Any]]] = {}
    for row in report.rows:
        rest = {k: v for k, v in row.items() if k != "community"}
        found.setdefault(row["community"], []).append(rest)
    return found


def added_up(report: Report, name: str, key: tuple[str, ...]) -> dict[tuple[Any, ...], int]:
    """Each row's counts summed over the community blocks, by the fields naming the row."""
    sums: dict[tuple[Any, ...], int] = defaultdict(int)
    for community, rows in blocks(report).items():
        for row in rows:
            if community is not None:
                sums[(*(row[k] for k in key), name)] += row[name]
    return dict(sums)


def totals(report: Report, name: str, key: tuple[str, ...]) -> dict[tuple[Any, ...], int]:
    return {(*(row[k] for k in key), name): row[name] for row in blocks(report)[None]}


def report(
    s: Scenario, title: str, communities: tuple[str, ...] | None = None, group_by: str | None = None
) -> Report:
    s.follower.catch_up()
    build = sla_report if title == "sla" else first_contact_report
    return build(s.follower.store, s.policy, PERIOD, shanghai(AS_OF), communities, group_by)


def test_the_sla_report_by_community_adds_up_to_its_total_which_is_the_ungrouped_report(
    desks: Scenario,
) -> None:
    grouped = report(desks, "sla", group_by="community")
    assert grouped.document()["group_by"] == "community"
    assert grouped.fields == ("community", *report(desks, "sla").fields)
    assert list(blocks(grouped)) == ["default", "lake-view", "sunny-garden", None]
    assert blocks(grouped)[None] == report(desks, "sla").rows
    key = ("kind", "priority", "milestone")
    for name in COUNTS["sla"]:
        assert added_up(grouped, name, key) == totals(grouped, name, key)
    dispatch = {
        row["community"]: (row["met"], row["breached"], row["pending"])
        for row in grouped.rows
        if (row["kind"], row["milestone"]) == ("repair", "dispatch")
    }
    assert dispatch == {
        "default": (1, 0, 0),
        "lake-view": (0, 1, 0),
        "sunny-garden": (1, 1, 0),  # the handed-over repair, undispatched past its 30 minutes
        None: (2, 2, 0),
    }
    assert "group_by" not in report(desks, "sla").document()


def test_a_staff_member_in_two_communities_appears_in_each_block_and_once_in_the_total(
    desks: Scenario,
) -> None:
    grouped = report(desks, "first-contact", group_by="community")
    zhang = [
        (row["community"], row["received"], row["owned"], row["handed_over"])
        for row in grouped.rows
        if row["staff"] == "desk-zhang"
    ]
    assert zhang == [("lake-view", 1, 1, 0), ("sunny-garden", 2, 1, 1), (None, 3, 2, 1)]
    li = [(row["community"], row["owned"]) for row in grouped.rows if row["staff"] == "desk-li"]
    assert li == [("default", 1), ("sunny-garden", 1), (None, 2)]
    assert blocks(grouped)[None] == report(desks, "first-contact").rows
    for name in COUNTS["first-contact"]:
        assert added_up(grouped, name, ("staff",)) == totals(grouped, name, ("staff",))


def test_grouped_with_a_community_filter_the_total_is_over_the_chosen_communities(
    desks: Scenario,
) -> None:
    chosen = ("sunny-garden", "lake-view")
    for title in ("sla", "first-contact"):
        grouped = report(desks, title, chosen, "community")
        assert grouped.document()["communities"] == list(chosen)
        assert list(blocks(grouped)) == ["lake-view", "sunny-garden", None]
        assert blocks(grouped)[None] == report(desks, title, chosen).rows
        assert blocks(grouped)[None] != report(desks, title).rows
    fewer = report(desks, "first-contact", chosen, "community")
    # desk-li received default's case, outside the filter; she owns one handed over to her.
    assert [(r["staff"], r["received"], r["owned"]) for r in blocks(fewer)[None]] == [
        ("desk-li", 0, 1),
        ("desk-wu", 1, 1),
        ("desk-zhang", 3, 2),
    ]


def test_an_unknown_grouping_is_refused_naming_the_one_there_is(desks: Scenario) -> None:
    with pytest.raises(ValueError, match="the only grouping is 'community'"):
        report(desks, "sla", group_by="kind")


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_command_line_groups_by_community_in_every_form(
    desks: Scenario, db: str, tmp_path: Path
) -> None:
    args = ["report", "first-contact", "--db", db, *WINDOW, "--group-by", "community"]
    document = json.loads(invoke(*args, "--format", "json"))
    assert document["group_by"] == "community"
    assert [(r["community"], r["staff"]) for r in document["rows"]][-3:] == [
        (None, "desk-li"),
        (None, "desk-wu"),
        (None, "desk-zhang"),
    ]
    table = list(csv.reader(io.StringIO(invoke(*args, "--format", "csv"))))
    assert table[0] == list(document["rows"][0])
    assert table[0][:2] == ["community", "staff"]
    assert [row[:2] for row in table[1:]] == [
        [r["community"] or "全部", r["staff"]] for r in document["rows"]
    ]
    invoke(*args, "--format", "xlsx", "--output", str(tmp_path / "fc.xlsx"))
    book = load_workbook(tmp_path / "fc.xlsx")
    sheet = [[c.value for c in row] for row in book["首问负责"].iter_rows()]
    assert sheet[0][:2] == ["小区", "员工"]
    assert [row[:2] for row in sheet[1:]] == [row[:2] for row in table[1:]]
    about = {row[1].value: row[2].value for row in book["说明"].iter_rows(min_row=2)}
    assert about["group_by"] == "community"
    shown = invoke("report", "sla", "--db", db, *WINDOW, "--group-by", "community")
    assert "sla report by community: cases received 2026-11-24" in shown
    assert [
        line.split()[1] for line in shown.splitlines() if "repair" in line and "dispatch" in line
    ] == [
        "default",
        "lake-view",
        "sunny-garden",
        "全部",
    ]


def test_the_command_line_refuses_a_grouping_other_than_community(desks: Scenario, db: str) -> None:
    refused = CliRunner().invoke(
        app, ["report", "sla", "--db", db, "--group-by", "staff"], env={"COLUMNS": "200"}
    )
    assert refused.exit_code == 2
    assert "Invalid value for '--group-by'" in refused.output
    assert "'staff' is not one of 'community'" in refused.output
