"""The what-if page in Chromium: a stored policy chosen in the form, a policy file uploaded
from the computer (multipart, with the session's CSRF token), and a malformed file refused
with the parser's message."""

from __future__ import annotations

from importlib.resources import files
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from api.console.navigation import PAGES
from support.browser_server import OpenAs, SeededConsole, needs

LEVEL_2 = files("projections").joinpath("policies/level-2.toml").read_bytes()


def test_a_stored_policy_chosen_in_the_form_is_compared_at_a_bookmarkable_address(
    open_as: OpenAs, console: SeededConsole
) -> None:
    needs(PAGES["what_if"])
    page = open_as("analyst")
    page.goto("/console/what-if")
    choice = page.locator("#s-policy option").first.get_attribute("value")
    assert choice
    page.select_option("#s-policy", choice)
    with page.expect_navigation():
        page.click("form[method=get] button[type=submit]")
    assert parse_qs(urlsplit(page.url).query)["policy"] == [choice]
    expect(page.locator("table.what-if tbody tr[data-row]").first).to_be_visible()
    page.reload()
    expect(page.locator("#s-policy")).to_have_value(choice)
    expect(page.locator("table.what-if")).to_have_count(1)


def test_a_policy_file_uploaded_from_the_computer_is_compared_with_the_live_one(
    open_as: OpenAs, console: SeededConsole
) -> None:
    needs(PAGES["what_if"])
    page = open_as("supervisor")
    page.goto("/console/what-if")
    page.set_input_files(
        "#u-file", files=[{"name": "level-2.toml", "mimeType": "text/plain", "buffer": LEVEL_2}]
    )
    with page.expect_response(
        lambda r: r.url.endswith("/console/what-if") and r.request.method == "POST"
    ) as sent:
        page.click("form[method=post] button[type=submit]")
    page.wait_for_load_state()
    assert sent.value.status in (200, 303)
    expect(page.locator("table.what-if tbody tr[data-row]").first).to_be_visible()
    expect(page.locator("[role=alert]")).to_have_count(0)


def test_a_malformed_policy_file_is_refused_with_the_parser_s_message(
    open_as: OpenAs, console: SeededConsole
) -> None:
    needs(PAGES["what_if"])
    page = open_as("supervisor")
    page.goto("/console/what-if")
    before = page.locator("#s-policy option").all_inner_texts()
    broken = b'[[milestone]]\nname = "dispatch"\ntarget = \n'
    page.set_input_files(
        "#u-file", files=[{"name": "broken.toml", "mimeType": "text/plain", "buffer": broken}]
    )
    with page.expect_response(
        lambda r: r.url.endswith("/console/what-if") and r.request.method == "POST"
    ) as sent:
        page.click("form[method=post] button[type=submit]")
    page.wait_for_load_state()
    assert sent.value.status == 422
    alert = page.locator("[role=alert]")
    expect(alert).to_be_visible()
    expect(alert.locator("pre")).not_to_be_empty()
    expect(page.locator("table.what-if")).to_have_count(0)
    page.goto("/console/what-if")
    assert page.locator("#s-policy option").all_inner_texts() == before  # nothing stored
