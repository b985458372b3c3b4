"""Who is looking at a console page: their session, their language, their CSRF token.

Sessions are server-side (`api.storage.users`): the cookie holds a random id whose hash
the database keeps, so signing out, a new password or a disabled account ends them at
once. Every form POST carries the session's CSRF token; the sign-in form, before there is
a session, a token of its own kept in a cookie (double submit).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from api.console.i18n import DEFAULT, chosen, negotiated
from api.console.navigation import PAGES
from api.http.runtime import Runtime
from api.storage.tokens import Principal

SESSION_COOKIE = "propdesk_session"
LANGUAGE_COOKIE = "propdesk_lang"
SIGN_IN_COOKIE = "propdesk_signin"  # the sign-in form's CSRF token
CSRF_FIELD = "csrf"


class SignInNeeded(Exception):
    """No valid session: the page answers with a redirect to the sign-in form."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageRefused(Exception):
    """A page outside the visitor's role: 403, as the API answers."""

    def __init__(self, visitor: Visitor, page: str) -> None:
        super().__init__(page)
        self.visitor = visitor
        self.page = page


class CsrfRefused(Exception):
    """A form POST without the right CSRF token: 403, nothing done."""


@dataclass(frozen=True)
class Visitor:
    principal: Principal
    session_id: str
    csrf: str
    language: str

    @property
    def name(self) -> str:
        return self.principal.name


def language_of(request: Request, remembered: str | None) -> str:
    """`?lang=` first, then what the session or cookie remembers, then Accept-Language."""
    return (
        chosen(request.query_params.get("lang"))
        or chosen(remembered)
        or chosen(request.cookies.get(LANGUAGE_COOKIE))
        or negotiated(request.headers.get("accept-language"))
        or DEFAULT
    )


def secure_cookies(request: Request) -> bool:
    runtime: Runtime = request.app.state.runtime
    return request.url.scheme == "https" or runtime.config.console_secure_cookie


def _sign_in_target(request: Request) -> str:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return target


async def visitor(request: Request) -> Visitor:
    """The signed-in visitor; SignInNeeded without a live session."""
    session_id = request.cookies.get(SESSION_COOKIE)
    runtime: Runtime = request.app.state.runtime
    if not session_id or len(session_id) > 100:
        raise SignInNeeded(_sign_in_target(request))
    now = datetime.now(UTC)
    found = await run_in_threadpool(
        runtime.users.session, session_id, now, runtime.config.console_idle
    )
    if found is None:
        raise SignInNeeded(_sign_in_target(request))
    language = language_of(request, found.lang)
    asked = chosen(request.query_params.get("lang"))
    if asked is not None and asked != found.lang:
        await run_in_threadpool(runtime.users.set_lang, session_id, asked)
    return Visitor(found.principal, session_id, found.csrf, language)


def page(name: str) -> Any:
    """A dependency: the visitor, when their role may open the page `name`."""
    allowed = PAGES[name].roles

    async def check(request: Request) -> Visitor:
        who = await visitor(request)
        if who.principal.role not in allowed:
            raise PageRefused(who, name)
        return who

    return Depends(check)


def check_csrf(sent: str | None, expected: str) -> None:
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRefused()


async def checked_form(
    request: Request, who: Annotated[Visitor, Depends(visitor)]
) -> dict[str, str]:
    """A form POST's fields, once its CSRF token is the session's."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    check_csrf(fields.get(CSRF_FIELD) or request.headers.get("x-csrf-token"), who.csrf)
    return fields


def new_sign_in_token() -> str:
    return secrets.token_urlsafe(32)


def sign_in_path(next_path: str) -> str:
    return "/console/login?next=" + quote(next_path, safe="/")


def communities_seen(rt: Runtime, who: Visitor) -> list[tuple[str, str]]:
    """The communities in the visitor's scope, by code: a filter's choices."""
    return [
        (c.code, c.name)
        for c in sorted(rt.communities.communities(), key=lambda c: c.code)
        if who.principal.sees(c.code)
    ]
