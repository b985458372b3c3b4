"""The console's languages: gettext catalogues (Babel), Simplified Chinese first.

Message ids are English. The zh_CN catalogue translates every one; the en catalogue only
the domain's codes (`dispatched` → Dispatched), which are looked up with a context naming
their vocabulary (`state`, `kind`, ...). The catalogues are read from their `.po` sources
once per process: no compiled file to forget to rebuild.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.support import Translations

LANGUAGES = ("zh_CN", "en")  # the first is the default
DEFAULT = LANGUAGES[0]
CATALOGUES = Path(__file__).parent / "locale"
# What `?lang=` and Accept-Language may say for each language.
SPELLINGS = {"zh": "zh_CN", "zh-cn": "zh_CN", "zh_cn": "zh_CN", "zh-hans": "zh_CN", "en": "en"}


# `messages`: the interface's text, extracted from the templates and code (`make
# catalogues`); `domain`: the domain's codes, kept by hand (see `api.console.vocabulary`).
DOMAINS = ("messages", "domain")


def N_(message: str) -> str:  # noqa: N802  # gettext's name for a message marked, not translated
    """Marks a message for extraction; it is translated where it is shown."""
    return message


def catalogue_path(language: str, domain: str = "messages") -> Path:
    return CATALOGUES / language / "LC_MESSAGES" / f"{domain}.po"


def _compiled(language: str, domain: str) -> Translations:
    # Babel is imported when a page is first rendered: a server process that serves only
    # the API (most do, under intake load) never holds it.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with catalogue_path(language, domain).open("rb") as source:
        catalogue = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


@cache
def translations(language: str) -> Translations:
    """Both catalogues of `language` as one."""
    merged = _compiled(language, DOMAINS[0])
    for domain in DOMAINS[1:]:
        merged.merge(_compiled(language, domain))
    return merged


def chosen(asked: str | None) -> str | None:
    """The language `?lang=` names, or None when it names none we have."""
    if asked is None:
        return None
    return SPELLINGS.get(asked.strip().lower()[:20])


def negotiated(accept_language: str | None) -> str:
    """The first language of an Accept-Language header that the console speaks."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "")[:500].split(",")):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        ranked.append((-weight, index, tag.strip().lower()))
    for weight, _, tag in sorted(ranked):
        if weight >= 0:  # q=0: not acceptable
            continue
        found = SPELLINGS.get(tag) or SPELLINGS.get(tag.split("-")[0])
        if found is not None:
            return found
    return DEFAULT


def html_lang(language: str) -> str:
    """The `lang` attribute: BCP 47 (zh-CN), not gettext's zh_CN."""
    return language.replace("_", "-")
