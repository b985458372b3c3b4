"""Both languages in Chromium: Simplified Chinese by default, English by `?lang=en`, the
browser's Accept-Language on a first visit, and a choice made once remembered by the
session. No Chinese page shows interface text in English: not one heading, label, button,
link or column of any page is an English message of the catalogues (or a domain code's
English label), as it would be where a translation is missing."""

from __future__ import annotations

import re
from functools import cache

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Browser, Page, expect

from api.console.i18n import catalogue_path
from api.console.navigation import PAGES
from support.browser_server import ACCOUNTS, PASSWORD, OpenAs, SeededConsole

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


# Where interface text is: not the table cells, which hold the cases' own words.
LABELLED = (
    "h1, h2, h3, label, button, th, summary, dt, caption, legend, a, option, "
    "[role=alert], [role=status], p.muted, .pager span"
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@cache
def english_messages() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """Every English text a Chinese page would show where its translation is missing: the
    interface messages and the domain codes' English labels, whose Chinese differs. Those
    with placeholders as patterns."""
    with catalogue_path("zh_CN").open("rb") as source:
        chinese = {m.id: m.string for m in read_po(source) if m.id}
    with catalogue_path("zh_CN", "domain").open("rb") as source:
        labels = {(m.context, m.id): m.string for m in read_po(source) if m.id}
    with catalogue_path("en", "domain").open("rb") as source:
        english = {(m.context, m.id): m.string for m in read_po(source) if m.id}
    texts = {str(i) for i, zh in chinese.items() if zh != i}
    texts |= {str(label) for key, label in english.items() if label != labels.get(key)}
    plain = frozenset(t for t in texts if not PLACEHOLDER.search(t))
    patterns = tuple(
        re.compile(".+".join(re.escape(part) for part in PLACEHOLDER.split(t)[::2]))
        for t in texts
        if PLACEHOLDER.search(t)
    )
    return plain, patterns


def _untranslated(page: Page) -> list[str]:
    plain, patterns = english_messages()
    shown = {" ".join((t or "").split()) for t in page.locator(LABELLED).all_inner_texts()}
    shown.add(page.title().removesuffix(" · propdesk"))
    return sorted(t for t in shown if t and (t in plain or any(p.fullmatch(t) for p in patterns)))


def _every_page(console: SeededConsole) -> list[str]:
    case = console.case_id("done")
    paths = ["/console/cases?state=all", "/console/cases?as_of=2026-01-01", "/console/nowhere"]
    paths += [f"/console/cases/{case}", f"/console/cases/{case}?at_version=1"]
    paths += [p.path for name, p in PAGES.items() if name not in ("cases", "case")]
    return paths


def test_no_chinese_page_shows_an_english_interface_message(
    open_as: OpenAs, console: SeededConsole
) -> None:
    page = open_as("admin")  # every page
    found: dict[str, list[str]] = {}
    for path in _every_page(console):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        if untranslated := _untranslated(page):
            found[path] = untranslated
    page.context.clear_cookies()
    page.goto("/console/login")
    if untranslated := _untranslated(page):
        found["/console/login"] = untranslated
    assert found == {}


def test_the_untranslated_check_would_see_english_text(page: Page) -> None:
    _signed_in(page, ACCOUNTS["supervisor"].name, lang="en")
    page.goto("/console/cases")
    shown = _untranslated(page)
    assert "Cases" in shown
    assert "Download CSV" in shown
    assert any(t.endswith(" cases") for t in shown)  # "%(total)s cases", a pattern
