"""Signing in and out. Five failed attempts for one name within five minutes answer 429
with Retry-After; a wrong password and an unknown name answer alike."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.console.i18n import chosen
from api.console.navigation import home
from api.console.rendering import render
from api.console.visitors import (
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    Visitor,
    check_csrf,
    checked_form,
    language_of,
    new_sign_in_token,
    secure_cookies,
    visitor,
)
from api.http.runtime import Runtime
from api.storage.users import UserError

router = APIRouter(prefix="/console", include_in_schema=False)

NAME_LIMIT = 200
PASSWORD_LIMIT = 1024


def safe_next(target: str | None) -> str | None:
    """A page of the console to go back to; nothing that leaves it (`//host`, `/\\host`)."""
    if not target or len(target) > 2000 or not target.startswith("/console"):
        return None
    if target.startswith(("//", "/\\")) or any(c in target for c in "\\\r\n"):
        return None
    return target


def _form(
    request: Request, language: str, *, status: int = 200, error: str | None = None,
    name: str = "", next_path: str | None = None, headers: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    token = new_sign_in_token()
    page = render(
        request,
        "login.html",
        {"csrf": token, "error": error, "username": name, "next": next_path or "", "user": None},
        language=language,
        status=status,
        headers=headers,
    )
    secure = secure_cookies(request)
    page.set_cookie(SIGN_IN_COOKIE, token, httponly=True, samesite="strict", secure=secure,
                    path="/console/login")  # fmt: skip
    asked = chosen(request.query_params.get("lang"))
    if asked is not None:
        page.set_cookie(LANGUAGE_COOKIE, asked, httponly=True, samesite="lax", secure=secure,
                        path="/console", max_age=365 * 86400)  # fmt: skip
    return page


@router.get("")
def console_root() -> RedirectResponse:
    return RedirectResponse("/console/cases", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return _form(request, language_of(request, None), next_path=safe_next(next))


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=NAME_LIMIT)] = "",
    password: Annotated[str, Form(max_length=PASSWORD_LIMIT)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(csrf, request.cookies.get(SIGN_IN_COOKIE) or "")
    runtime: Runtime = request.app.state.runtime
    language = language_of(request, None)
    name = username.strip()
    now = datetime.now(UTC)
    wait = await run_in_threadpool(runtime.users.blocked_for, name, now)
    if wait > 0:
        return _form(request, language, status=429, error="throttled", name=name,
                     next_path=safe_next(next), headers={"Retry-After": str(wait)})  # fmt: skip
    found = await run_in_threadpool(runtime.users.authenticate, name, password)
    if found is None:
        await run_in_threadpool(runtime.users.record_failure, name, now)
        return _form(request, language, status=401, error="wrong", name=name,
                     next_path=safe_next(next))  # fmt: skip
    await run_in_threadpool(runtime.users.clear_failures, name)
    remembered = chosen(request.cookies.get(LANGUAGE_COOKIE))
    try:
        session_id, _ = await run_in_threadpool(
            runtime.users.open_session, found.name, now, remembered
        )
    except UserError:  # disabled between the password check and now
        return _form(request, language, status=401, error="wrong", name=name,
                     next_path=safe_next(next))  # fmt: skip
    answer = RedirectResponse(safe_next(next) or home(found.role), status_code=303)
    answer.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="lax",
                      secure=secure_cookies(request), path="/console")  # fmt: skip
    answer.delete_cookie(SIGN_IN_COOKIE, path="/console/login")
    return answer


@router.get("/logout")
def logout_form(request: Request, who: Annotated[Visitor, Depends(visitor)]) -> HTMLResponse:
    return render(request, "logout.html", {"user": who, "csrf": who.csrf}, language=who.language)


@router.post("/logout")
async def logout(
    request: Request,
    who: Annotated[Visitor, Depends(visitor)],
    _form_fields: Annotated[dict[str, str], Depends(checked_form)],
) -> RedirectResponse:
    runtime: Runtime = request.app.state.runtime
    await run_in_threadpool(runtime.users.end_session, who.session_id)
    answer = RedirectResponse("/console/login", status_code=303)
    answer.delete_cookie(SESSION_COOKIE, path="/console")
    return answer
