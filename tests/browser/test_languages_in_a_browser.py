"""Both languages in Chromium: Simplified Chinese by default, English by `?lang=en`, the
browser's Accept-Language on a first visit, and a choice made once remembered by the
session. A Chinese page shows no untranslated interface text."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from support.browser_server import ACCOUNTS, PASSWORD, SeededConsole

# Interface text of the queue page: headings, labels, buttons, the menu and the pager.
INTERFACE = "h1, label, button, th, nav a, .pager a, .pager span:not(.muted), option"
# What may stay in Latin letters on a Chinese page: names and codes, not sentences.
LATIN_WORDS = re.compile(r"[A-Za-z]{3,}")
ALLOWED_LATIN = {"propdesk", "English", "SLA", "CSV", "east", "west"}


def _signed_in(page: Page, name: str, *, lang: str | None = None) -> None:
    page.goto("/console/login" + (f"?lang={lang}" if lang else ""))
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def _language_of(page: Page) -> str:
    return str(page.locator("html").get_attribute("lang"))


@pytest.mark.parametrize(
    ("locale", "html_lang", "heading"),
    [("zh-CN", "zh-CN", "登录 propdesk"), ("en-US", "en", "Sign in to propdesk")],
)
def test_a_first_visit_speaks_the_browser_s_language(
    browser: Browser,
    browser_context_args: dict[str, object],
    locale: str,
    html_lang: str,
    heading: str,
) -> None:
    context = browser.new_context(**{**browser_context_args, "locale": locale})
    try:
        page = context.new_page()
        page.goto("/console/login")
        assert _language_of(page) == html_lang
        expect(page.locator("h1")).to_have_text(heading)
    finally:
        context.close()


def test_lang_in_the_address_switches_and_the_session_remembers_it(
    page: Page, console: SeededConsole
) -> None:
    _signed_in(page, ACCOUNTS["supervisor"].name)
    page.goto("/console/cases")
    assert _language_of(page) == "zh-CN"
    expect(page.locator("h1")).to_have_text("工单")
    page.goto("/console/cases?lang=en")
    assert _language_of(page) == "en"
    expect(page.locator("h1")).to_have_text("Cases")
    page.goto("/console/cases")  # no lang: the session remembers English
    assert _language_of(page) == "en"
    page.click("header .languages a[lang=zh-CN]")
    page.wait_for_load_state()
    assert _language_of(page) == "zh-CN"
    page.goto("/console/cases?state=all")
    assert _language_of(page) == "zh-CN"
    expect(page.locator("th").first).to_have_text("工单号")


def test_a_language_chosen_before_signing_in_is_kept_after_it(
    browser: Browser, browser_context_args: dict[str, object], console: SeededConsole
) -> None:
    # A Chinese browser whose user picks English on the sign-in form.
    context = browser.new_context(**{**browser_context_args, "locale": "zh-CN"})
    try:
        page = context.new_page()
        _signed_in(page, ACCOUNTS["agent"].name, lang="en")
        assert _language_of(page) == "en"
        page.goto("/console/cases")
        assert _language_of(page) == "en"
    finally:
        context.close()


def test_the_chinese_queue_shows_no_untranslated_interface_text(
    page: Page, console: SeededConsole
) -> None:
    _signed_in(page, ACCOUNTS["supervisor"].name, lang="zh-CN")
    page.goto("/console/cases?state=all")
    texts: list[str] = page.locator(INTERFACE).all_inner_texts()
    assert len(texts) > 30
    untranslated = [
        text
        for text in texts
        if any(w not in ALLOWED_LATIN for w in LATIN_WORDS.findall(text))
        and not re.search(r"\([a-z0-9-]+\)$", text)  # a community's name and (code)
    ]
    assert untranslated == []


def test_the_english_queue_shows_english_interface_text(page: Page) -> None:
    _signed_in(page, ACCOUNTS["supervisor"].name, lang="en")
    page.goto("/console/cases?state=all")
    texts = " ".join(page.locator(INTERFACE).all_inner_texts())
    for label in ("Cases", "Community", "Kind", "Priority", "Download CSV", "Filter"):
        assert label in texts
    assert "工单" not in texts
