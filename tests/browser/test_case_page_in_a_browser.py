"""The case page in Chromium: the slider shows the case as it stood at an earlier event,
a late entry is marked, and revealing a reporter's phone (htmx, with the session's CSRF
token) shows it in full and writes the access log the admin reads."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from api.console.navigation import PAGES
from support.browser_server import ACCOUNTS, OpenAs, SeededConsole, needs


def test_the_slider_shows_the_case_as_it_stood_at_its_first_event(
    open_as: OpenAs, console: SeededConsole
) -> None:
    needs(PAGES["case"])
    page = open_as("supervisor")
    page.goto(f"/console/cases/{console.case_id('done')}")
    expect(page.locator("[data-fact=state]")).to_have_text("已完工")
    assert page.locator("p.past").count() == 0
    slider = page.locator("#at-version")
    last = int(slider.input_value())
    assert last == page.locator("table.timeline tbody tr[data-version]").count()
    slider.focus()
    page.keyboard.press("Home")  # the first event: the intake
    with page.expect_navigation():
        page.click("form.slider button[type=submit]")
    # The page of the instant the intake was recorded: a bookmarkable past view.
    assert parse_qs(urlsplit(page.url).query)["as_of"] == [console.cases["done"]["received_at"]]
    expect(page.locator("p.past")).to_be_visible()
    expect(page.locator("[data-fact=state]")).to_have_text("已受理")
    expect(page.locator("#at-version")).to_have_value("1")
    assert page.locator("table.timeline tbody tr[data-version]").count() == 1


def test_an_entry_recorded_hours_after_it_happened_is_marked_late(
    open_as: OpenAs, console: SeededConsole
) -> None:
    needs(PAGES["case"])
    page = open_as("agent")
    page.goto(f"/console/cases/{console.case_id('late')}")
    expect(page.locator("table.timeline tr.late-entry [data-late=true]")).to_have_count(1)
    page.goto(f"/console/cases/{console.case_id('burst pipe')}")
    expect(page.locator("table.timeline [data-late=true]")).to_have_count(0)


def test_revealing_a_phone_shows_it_in_full_and_the_admin_reads_it_in_the_access_log(
    open_as: OpenAs, console: SeededConsole
) -> None:
    needs(PAGES["case"])
    needs(PAGES["access_log"])
    case = console.cases["burst pipe"]
    page = open_as("agent")
    page.goto(f"/console/cases/{case['id']}")
    phone = page.locator("[data-reporter=phone]")
    expect(phone).to_have_text("139****0001")
    with page.expect_response(lambda r: r.url.endswith("/reveal")) as revealed:
        page.click("form.reveal button")
    assert revealed.value.status == 200
    expect(phone).to_have_text("13900000001")
    expect(page.locator("form.reveal")).to_have_count(0)
    admin = open_as("admin")
    admin.goto(f"/console/access-log?case={case['number']}")
    rows = admin.locator("main table tbody tr")
    expect(rows.first).to_contain_text(ACCOUNTS["agent"].name)
    expect(rows.first).to_contain_text(case["number"])


def test_an_analyst_sees_the_phone_masked_with_nothing_to_reveal_it(
    open_as: OpenAs, console: SeededConsole
) -> None:
    needs(PAGES["case"])
    page = open_as("analyst")
    page.goto(f"/console/cases/{console.case_id('burst pipe')}")
    expect(page.locator("form.reveal")).to_have_count(0)
    assert "13900000001" not in page.content()


def test_the_callback_queue_lists_the_completed_case(
    open_as: OpenAs, console: SeededConsole
) -> None:
    needs(PAGES["callbacks"])
    page = open_as("agent")
    page.goto("/console/callbacks")
    ids = page.locator("table.callbacks tbody tr[data-case]").evaluate_all(
        "rows => rows.map(r => r.dataset.case)"
    )
    assert ids == [console.case_id("done")]
