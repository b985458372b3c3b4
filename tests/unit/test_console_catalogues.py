"""The console's catalogues: every message of its templates and code is translated into
Simplified Chinese, every domain code has a label in both languages, and the committed
template of messages is what the sources hold now (`make catalogues`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from api.console.i18n import LANGUAGES, catalogue_path, translations
from api.console.vocabulary import vocabularies
from projections.policy import load_policy

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")
ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "src" / "api" / "console"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "translate": (2,)}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
SHIPPED = tuple(load_policy(p) for p in sorted((ROOT / "src/projections/policies").glob("*.toml")))


def extracted() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(CONSOLE), METHODS, OPTIONS, KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(language: str, domain: str) -> dict[tuple[str | None, str], str]:
    with catalogue_path(language, domain).open("rb") as source:
        read = read_po(source, locale=language)
    return {(m.context, str(m.id)): str(m.string) for m in read if m.id}


def test_every_message_of_the_interface_has_a_chinese_translation() -> None:
    messages = extracted()
    assert len(messages) > 50  # the extraction found the templates
    chinese = catalogue("zh_CN", "messages")
    missing = sorted(m for m in messages if not chinese.get((None, m)))
    assert missing == [], f"untranslated in zh_CN (run `make catalogues`, translate): {missing}"


def test_the_catalogues_hold_no_message_the_sources_have_dropped() -> None:
    messages = extracted()
    for language in LANGUAGES:
        stale = sorted(m for _, m in catalogue(language, "messages") if m not in messages)
        assert stale == [], f"{language}: run `make catalogues` to drop {stale}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_code_of_the_domain_has_a_label(language: str) -> None:
    labels = catalogue(language, "domain")
    missing = [
        f"{context}:{code}"
        for context, codes in vocabularies(SHIPPED).items()
        for code in codes
        if not labels.get((context, code))
    ]
    assert missing == [], f"{language} lacks labels for {missing}"


def test_a_chinese_label_differs_from_its_code_and_an_english_one_is_capitalised() -> None:
    chinese = translations("zh_CN")
    english = translations("en")
    assert chinese.pgettext("state", "dispatched") == "已派单"
    assert chinese.pgettext("category", "plumbing") == "水"
    assert english.pgettext("state", "on_hold") == "On hold"


def test_placeholders_survive_translation() -> None:
    chinese = catalogue("zh_CN", "messages")
    for (_, message), translated in chinese.items():
        if translated:
            wanted = sorted(PLACEHOLDER.findall(message))
            assert sorted(PLACEHOLDER.findall(translated)) == wanted, (
                f"{message!r} → {translated!r}"
            )
