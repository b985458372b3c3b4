"""Templates to pages: one Jinja2 environment per language, autoescaping everything."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.console.i18n import html_lang, translations
from api.console.navigation import menu
from api.console.vocabulary import labeller
from projections.calendar import SHANGHAI

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).parent / "templates"


def shown_time(moment: datetime | None, seconds: bool = False) -> str:
    """A moment as the console shows it: Asia/Shanghai, to the minute (or second)."""
    if moment is None:
        return ""
    return moment.astimezone(SHANGHAI).strftime(
        "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    )


def iso(moment: datetime | None) -> str:
    """A moment for a link or a form: ISO 8601 in Asia/Shanghai, to the second."""
    if moment is None:
        return ""
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds")


def url_with(request: Request, **changes: object) -> str:
    """This page's URL with some query parameters changed (None removes one; a list
    repeats it); the others kept, so that every filter stays in the address."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    for key, value in changes.items():
        if isinstance(value, list | tuple):
            kept.extend((key, str(v)) for v in value)
        elif value is not None:
            kept.append((key, str(value)))
    query = urlencode(kept)
    return request.url.path + ("?" + query if query else "")


@cache
def environment(language: str) -> Environment:
    # Jinja2 is imported when a page is first rendered, as Babel is (api.console.i18n).
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    found = translations(language)
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(found, newstyle=True)  # type: ignore[attr-defined]
    env.globals["label"] = labeller(lambda context, code: str(found.pgettext(context, code)))
    env.globals["html_lang"] = html_lang(language)
    env.globals["language"] = language
    env.globals["url_with"] = url_with
    env.globals["menu"] = menu
    env.filters["when"] = shown_time
    env.filters["iso"] = iso
    return env


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    language: str,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    page = environment(language).get_template(template)
    body = page.render(
        {"request": request, "user": None, "current": None, "as_of": None, **context}
    )
    return HTMLResponse(body, status_code=status, headers=dict(headers or {}))


def translate(language: str, message: str) -> str:
    """A message of the interface translated in code (titles, refusals)."""
    return translations(language).gettext(message)
