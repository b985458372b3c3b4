"""Signing in to the console from a test: a staff account and a client holding its session."""

from __future__ import annotations

import re
from collections.abc import Collection

from fastapi.testclient import TestClient

from api.storage.users import UserStore

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(page: str) -> str:
    """The CSRF token of the first form of a page."""
    found = _CSRF.search(page)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(
    client: TestClient,
    users: UserStore,
    name: str,
    role: str,
    communities: Collection[str] | None = None,
) -> str:
    """Creates the account when missing, signs the client in, returns the session's CSRF
    token (for forms)."""
    if name not in {u.name for u in users.records()}:
        users.add(name, role, communities, PASSWORD)
    client.cookies.clear()
    form = client.get("/console/login")
    answer = client.post(
        "/console/login",
        data={"username": name, "password": PASSWORD, "csrf": csrf_of(form.text), "next": ""},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/console/logout").text)
