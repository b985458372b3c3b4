"""The console's workbench in Chromium: the engineer's page fits a phone, two people acting
on one case at once see who came first, and recording a call that repeats an open case
leads to that case, to record the call on it as an urge. The whole lifecycles are in
test_workbench_lifecycles_in_a_browser."""

from __future__ import annotations

from playwright.sync_api import expect

from api.console.navigation import PAGES
from support.browser_server import ACCOUNTS, OpenAs, SeededConsole, needs
from support.workbench import PHONE, api_case, event_types, read_models_caught_up, send

TOUCH_TARGET = 44  # pixels: the smallest a finger hits reliably

TOO_SMALL = """(els, least) => els
  .filter(e => e.getClientRects().length > 0)
  .map(e => [e.tagName + ' ' + e.textContent.trim().slice(0, 30), e.getBoundingClientRect().height])
  .filter(([, height]) => height < least)"""
# A field no label names (`label for` names the first element of an id: a second card's
# field of the same id is left without one).
UNLABELLED = """els => els
  .filter(e => e.type !== 'hidden' && e.labels.length === 0)
  .map(e => e.id + ' ' + e.name)"""


def test_the_engineer_s_page_fits_a_phone_with_every_form_open_and_its_fields_labelled(
    work_as: OpenAs, workbench: SeededConsole
) -> None:
    needs(PAGES["my"])
    # Beside the seeded burst pipe, a second dispatched case: two cards, two hold forms.
    api_case(workbench, "repair", [("dispatch", {"assignee": ACCOUNTS["worker"].name})])
    read_models_caught_up(workbench)
    page = work_as("worker")
    page.set_viewport_size(PHONE)
    page.goto("/console/my")
    summaries = page.locator("li.job details.command summary")
    expect(summaries.first).to_be_visible()  # the seeded cases give the worker forms
    for i in range(summaries.count()):
        summaries.nth(i).click()
    expect(page.locator("li.job details.command:not([open])")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    targets = page.locator("main button, main summary")
    assert targets.count() > summaries.count()
    assert targets.evaluate_all(TOO_SMALL, TOUCH_TARGET) == []
    fields = page.locator("main input, main select, main textarea")
    assert page.locator("li.job").count() > 1  # several cards: several forms of one command
    assert fields.evaluate_all(UNLABELLED) == []
    ids = page.locator("main [id]").evaluate_all("els => els.map(e => e.id)")
    assert len(ids) == len(set(ids))


def test_a_dispatch_sent_from_a_page_opened_before_another_dispatch_shows_the_conflict(
    work_as: OpenAs, workbench: SeededConsole
) -> None:
    needs(PAGES["case"])
    case_id = api_case(workbench, "repair", location="7-2-702")
    first, second = work_as("supervisor"), work_as("agent")
    for page in (first, second):
        page.goto(f"/console/cases/{case_id}")
    send(first, "dispatch", {"assignee": "eng-wang"})

    second.locator("details.command[data-command=dispatch] summary").click()
    second.fill("#dispatch-assignee", "eng-zhou")
    with second.expect_response(lambda r: r.request.method == "POST") as sent:
        second.click("form.command[data-command=dispatch] button[type=submit]")
    assert sent.value.status == 409
    conflict = second.locator("[data-changed-since]")
    expect(conflict).to_have_attribute("data-changed-since", "1")
    changes = conflict.locator("li[data-version]")
    expect(changes).to_have_count(1)
    expect(changes).to_contain_text(ACCOUNTS["supervisor"].name)
    expect(changes).to_contain_text("eng-wang")
    expect(second.locator("#dispatch-assignee")).to_have_value("eng-zhou")  # kept, not sent
    assert event_types(workbench, case_id).count("Dispatched") == 1


def test_typing_the_location_of_an_open_case_offers_it_and_its_urge_form(
    work_as: OpenAs, workbench: SeededConsole
) -> None:
    needs(PAGES["new"])
    open_case = api_case(workbench, "repair", location="11-3-301", category="electrical")
    read_models_caught_up(workbench)  # the possible duplicates are found in the read models
    page = work_as("agent")
    page.goto("/console/new")
    expect(page.locator("#similar [data-similar]")).to_have_count(0)
    with page.expect_response(lambda r: "/console/new/similar" in r.url):
        page.locator("#n-location").press_sequentially("11-3-301")
    offered = page.locator(f"#similar li[data-similar='{open_case}']")
    expect(offered).to_be_visible()
    offered.locator(f"a[data-urge='{open_case}']").click()
    page.wait_for_url(f"**/console/cases/{open_case}?act=urge*")
    expect(page.locator("details.command[data-command=urge]")).to_have_attribute("open", "")
    expect(page.locator("#urge-note")).to_be_visible()
    send(page, "urge", {"note": "the resident called again about the lights"})
    assert event_types(workbench, open_case)[-1] == "Urged"
