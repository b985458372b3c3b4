"""The queue in Chromium: its filters live in the address (chosen in the form, carried by
the URL, still chosen after a reload) and its CSV download holds exactly the rows listed."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from support.browser_server import EAST, OpenAs, SeededConsole


def listed(page: Page) -> list[tuple[str, str]]:
    """(case id, number as shown) of each row of the table, in order."""
    rows = page.locator("table.cases tbody tr[data-case]")
    found: list[list[str]] = rows.evaluate_all(
        "rows => rows.map(r => [r.dataset.case, r.cells[0].innerText.trim()])"
    )
    return [(case_id, number) for case_id, number in found]


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def submit_filters(page: Page) -> None:
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")


def test_filters_chosen_in_the_form_travel_in_the_url_and_survive_a_reload(
    open_as: OpenAs, console: SeededConsole
) -> None:
    page = open_as("supervisor")
    page.goto("/console/cases")
    page.select_option("#f-community", EAST)
    page.select_option("#f-kind", "repair")
    page.select_option("#f-state", "all")
    page.select_option("#f-priority", "emergency")
    submit_filters(page)
    query = query_of(page)
    assert query["community"] == [EAST]
    assert query["kind"] == ["repair"]
    assert query["state"] == ["all"]
    assert query["priority"] == ["emergency"]
    expected = {
        console.case_id(name)
        for name, case in console.cases.items()
        if case["community"] == EAST and case["kind"] == "repair"
        if case["priority"] == "emergency"
    }
    assert {case_id for case_id, _ in listed(page)} == expected
    page.reload()
    expect(page.locator("#f-community")).to_have_value(EAST)
    expect(page.locator("#f-kind")).to_have_value("repair")
    expect(page.locator("#f-state")).to_have_value("all")
    expect(page.locator("#f-priority")).to_have_value("emergency")
    assert {case_id for case_id, _ in listed(page)} == expected


def test_an_sla_condition_chosen_in_the_form_lists_the_paused_cases(
    open_as: OpenAs, console: SeededConsole
) -> None:
    page = open_as("supervisor")
    page.goto("/console/cases")
    page.select_option("#f-sla", "paused")
    page.fill("#f-owner", "desk-zhang")
    submit_filters(page)
    assert query_of(page)["sla"] == ["paused"]
    assert query_of(page)["owner"] == ["desk-zhang"]
    paused = {console.case_id("waiting for parts"), console.case_id("script")}
    assert {case_id for case_id, _ in listed(page)} == paused
    expect(page.locator("table.cases tbody")).to_contain_text("waiting for parts")
    page.reload()
    expect(page.locator("#f-sla")).to_have_value("paused")
    expect(page.locator("#f-owner")).to_have_value("desk-zhang")


def test_the_csv_download_holds_exactly_the_cases_the_page_lists(
    open_as: OpenAs, console: SeededConsole
) -> None:
    page = open_as("supervisor")
    page.goto("/console/cases?state=all&sort=received")
    shown = listed(page)
    assert len(shown) == len(console.cases)
    with page.expect_download() as started:
        page.click("a[download]")
    download = started.value
    assert download.suggested_filename.startswith("cases-")
    assert download.suggested_filename.endswith(".csv")
    text = download.path().read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")  # for Excel
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [(r["case_id"], r["number"]) for r in rows] == shown
    by_id = {r["case_id"]: r for r in rows}
    for case in console.cases.values():
        row = by_id[str(case["id"])]
        assert (row["community"], row["kind"], row["location"]) == (
            case["community"],
            case["kind"],
            case["location"],
        )


def test_the_csv_download_of_a_filtered_list_follows_its_filters(
    open_as: OpenAs, console: SeededConsole
) -> None:
    page = open_as("agent")
    page.goto("/console/cases?kind=repair&state=all")
    shown = listed(page)
    link = page.locator("a[download]")
    href = link.get_attribute("href") or ""
    assert parse_qs(urlsplit(href).query)["kind"] == ["repair"]
    with page.expect_download() as started:
        link.click()
    text = started.value.path().read_bytes().decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted((r["case_id"], r["number"]) for r in rows) == sorted(shown)
    assert {r["kind"] for r in rows} == {"repair"}
    assert {r["community"] for r in rows} == {EAST}  # the agent serves east alone
