"""Signing in to the console, its sessions, its CSRF rule and its headers, on each backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.storage.users import UserStore, open_users
from support.api_client import Api
from support.console import PASSWORD, csrf_of, sign_in


def _login(api: Api, name: str, password: str, next_path: str = "") -> object:
    form = api.client.get("/console/login")
    return api.client.post(
        "/console/login",
        data={
            "username": name,
            "password": password,
            "csrf": csrf_of(form.text),
            "next": next_path,
        },
        follow_redirects=False,
    )


def test_a_page_without_a_session_redirects_to_the_sign_in_form_and_back(
    api_on: Api, users: UserStore
) -> None:
    first = api_on.client.get("/console/cases?kind=repair", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/console/login?next=/console/cases%3Fkind%3Drepair"
    users.add("boss-liu", "supervisor", None, PASSWORD)
    answer = _login(api_on, "boss-liu", PASSWORD, "/console/cases?kind=repair")
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert answer.headers["location"] == "/console/cases?kind=repair"  # type: ignore[attr-defined]
    cookie = answer.headers["set-cookie"]  # type: ignore[attr-defined]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/console" in cookie
    assert api_on.client.get("/console/cases").status_code == 200


def test_a_wrong_password_and_an_unknown_name_answer_alike(api_on: Api, users: UserStore) -> None:
    users.add("desk-wang", "agent", None, PASSWORD)
    wrong = _login(api_on, "desk-wang", "not the password")
    unknown = _login(api_on, "nobody-here", "not the password")
    for answer in (wrong, unknown):
        assert answer.status_code == 401  # type: ignore[attr-defined]
        assert "用户名或密码错误" in answer.text  # type: ignore[attr-defined]
        assert "propdesk_session" not in answer.headers.get("set-cookie", "")  # type: ignore[attr-defined]


def test_five_failures_for_a_name_answer_429_with_retry_after_even_for_the_right_password(
    api_on: Api, users: UserStore
) -> None:
    users.add("desk-li", "agent", None, PASSWORD)
    for _ in range(5):
        assert _login(api_on, "desk-li", "guess").status_code == 401  # type: ignore[attr-defined]
    blocked = _login(api_on, "desk-li", PASSWORD)
    assert blocked.status_code == 429  # type: ignore[attr-defined]
    assert 1 <= int(blocked.headers["retry-after"]) <= 300  # type: ignore[attr-defined]
    # Another name is not blocked by them.
    users.add("desk-zhao", "agent", None, PASSWORD)
    assert _login(api_on, "desk-zhao", PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_a_sign_in_without_its_csrf_token_is_refused_and_opens_no_session(
    api_on: Api, users: UserStore
) -> None:
    users.add("boss-liu", "supervisor", None, PASSWORD)
    api_on.client.get("/console/login")
    answer = api_on.client.post(
        "/console/login",
        data={"username": "boss-liu", "password": PASSWORD, "csrf": "forged"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert "propdesk_session" not in answer.headers.get("set-cookie", "")


def test_signing_out_needs_the_csrf_token_and_ends_the_session(
    api_on: Api, users: UserStore
) -> None:
    csrf = sign_in(api_on.client, users, "boss-liu", "supervisor")
    refused = api_on.client.post("/console/logout", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert api_on.client.get("/console/cases").status_code == 200
    session = api_on.client.cookies.get("propdesk_session")
    done = api_on.client.post("/console/logout", data={"csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303
    # The old cookie is worth nothing now, even sent again.
    api_on.client.cookies.set("propdesk_session", session or "", path="/console")
    assert api_on.client.get("/console/cases", follow_redirects=False).status_code == 303


def test_an_idle_session_ends(api_on: Api, users: UserStore) -> None:
    sign_in(api_on.client, users, "boss-liu", "supervisor")
    session = api_on.client.cookies.get("propdesk_session") or ""
    later = datetime.now(UTC) + api_on.config.console_idle + timedelta(minutes=1)
    assert users.session(session, later, api_on.config.console_idle) is None
    assert api_on.config.console_idle == timedelta(hours=8)


def test_a_redirect_after_sign_in_never_leaves_the_console(api_on: Api, users: UserStore) -> None:
    users.add("boss-liu", "supervisor", None, PASSWORD)
    for target in ("https://evil.example/", "//evil.example/x", "/console\\@evil", "/docs"):
        answer = _login(api_on, "boss-liu", PASSWORD, target)
        assert answer.headers["location"] == "/console/cases"  # type: ignore[attr-defined]


def test_console_pages_carry_the_security_headers(api: Api) -> None:
    for path in ("/console/login", "/console/cases", "/console/nowhere"):
        answer = api.client.get(path, follow_redirects=False)
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "same-origin"


def test_a_form_over_the_body_limit_answers_413_as_a_page_with_the_console_headers(
    api: Api,
) -> None:
    huge = {"username": "boss-liu", "password": "x" * (70 * 1024)}
    answer = api.client.post("/console/login", data=huge, follow_redirects=False)
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert "at most 65536 are accepted" in answer.text
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    outside = api.client.post("/requests", content=b"{" + b" " * (70 * 1024) + b"}")
    assert outside.status_code == 413
    assert outside.headers["content-type"] == "application/problem+json"


def test_the_language_follows_the_query_then_the_session_then_accept_language(
    api: Api,
) -> None:
    users = open_users(api.config.settings)
    try:
        first = api.client.get("/console/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
        assert '<html lang="en">' in first.text
        assert "Sign in to propdesk" in first.text
        chinese = api.client.get("/console/login", headers={"Accept-Language": "fr"})
        assert '<html lang="zh-CN">' in chinese.text
        assert "登录 propdesk" in chinese.text
        sign_in(api.client, users, "boss-liu", "supervisor")
        assert "Cases" in api.client.get("/console/cases?lang=en").text
        assert "<h1>Cases</h1>" in api.client.get("/console/cases").text  # remembered
        assert "<h1>工单</h1>" in api.client.get("/console/cases?lang=zh-CN").text
    finally:
        users.close()


def test_a_channel_account_cannot_be_created_for_the_console(api: Api) -> None:
    users = open_users(api.config.settings)
    try:
        with pytest.raises(ValueError, match="channel"):
            users.add("wechat-app", "channel", None, PASSWORD)
    finally:
        users.close()
