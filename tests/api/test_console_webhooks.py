"""The webhooks page: the endpoints (redacted, never a secret) and the deliveries' log,
newest first, failed only on request, paged; admins of every community only; on each
backend."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from api.http.runtime import Runtime
from api.storage.users import UserStore, open_users
from api.webhooks.endpoints import add_endpoint
from projections.times import to_micros
from support.api_client import Api
from support.console import sign_in

URL = "https://93.184.216.34/cgi-bin/webhook/send?key=KEY-IN-QUERY"
AT = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai
_DELIVERY = re.compile(r'<tr data-delivery="([^"]+)" data-status="([a-z]+)">')


def runtime(api: Api) -> Runtime:
    found: Runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    return found


def endpoint_with_deliveries(
    api: Api, statuses: list[str], first_case: str = "case-0"
) -> tuple[str, str]:
    """An endpoint and one delivery of each status, a minute apart, the first about
    `first_case`; (its id, its secret)."""
    store = runtime(api).notices
    added = add_endpoint(store, URL, ["milestone.breached"], fmt="wecom", by="it-chen", now=AT)
    store.execute(
        [
            (
                "INSERT INTO wh_deliveries (webhook_id, endpoint_id, notice_id,"
                " notice_sequence, type, case_id, status, attempts, created_at,"
                " last_attempt_at, last_status, last_error)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        f"msg_{n:03}",
                        added.id,
                        f"case-{n}/x/1/milestone.breached",
                        n,
                        "milestone.breached",
                        first_case if n == 0 else f"case-{n}",
                        status,
                        3,
                        to_micros(AT + timedelta(minutes=n)),
                        to_micros(AT + timedelta(minutes=n, seconds=5)),
                        503 if status == "failed" else 200,
                        "Service Unavailable" if status == "failed" else None,
                    )
                    for n, status in enumerate(statuses)
                ],
            )
        ]
    )
    return added.id, added.secret


def shown(page: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in _DELIVERY.finditer(page)]


def test_the_page_shows_the_endpoints_redacted_and_the_log_newest_first(
    api_on: Api, users: UserStore
) -> None:
    case = api_on.create()
    endpoint_id, secret = endpoint_with_deliveries(
        api_on, ["delivered", "failed", "pending"], first_case=case["id"]
    )
    sign_in(api_on.client, users, "it-chen", "admin")
    page = api_on.client.get("/console/webhooks")
    assert page.status_code == 200, page.text
    assert f'<tr data-endpoint="{endpoint_id}">' in page.text
    assert "https://93.184.216.34/cgi-bin/webhook/send?…" in page.text
    assert "KEY-IN-QUERY" not in page.text
    assert secret not in page.text
    assert shown(page.text) == [
        ("msg_002", "pending"),
        ("msg_001", "failed"),
        ("msg_000", "delivered"),
    ]
    assert "HTTP 503: Service Unavailable" in page.text
    assert f'<a href="/console/cases/{case["id"]}">{case["number"]}</a>' in page.text
    assert '<a href="/console/cases/case-1">case-1</a>' in page.text  # no number: its id
    assert "2026-12-01 10:31:05" in page.text  # the failed one's last attempt
    assert 'href="/console/webhooks"' in page.text  # in the admin's menu
    assert "推送" in page.text  # Chinese first


def test_failed_only_shows_the_failed_deliveries(api_on: Api, users: UserStore) -> None:
    endpoint_with_deliveries(api_on, ["failed", "delivered", "failed"])
    sign_in(api_on.client, users, "it-chen", "admin")
    page = api_on.client.get("/console/webhooks", params={"failed": "1"})
    assert shown(page.text) == [("msg_002", "failed"), ("msg_000", "failed")]
    assert 'name="failed" value="1" checked' in page.text


def test_the_log_is_paged(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("api.console.pages.webhooks.PAGE_SIZE", 2)
    endpoint_with_deliveries(api, ["delivered"] * 5)
    with_users = open_users(api.config.settings)
    try:
        sign_in(api.client, with_users, "it-chen", "admin")
    finally:
        with_users.close()
    first = api.client.get("/console/webhooks")
    assert [d for d, _ in shown(first.text)] == ["msg_004", "msg_003"]
    assert 'rel="next"' in first.text
    last = api.client.get("/console/webhooks", params={"page": "3"})
    assert [d for d, _ in shown(last.text)] == ["msg_000"]
    assert 'rel="next"' not in last.text
    assert api.client.get("/console/webhooks", params={"page": "x"}).status_code == 422
    assert api.client.get("/console/webhooks", params={"failed": "yes"}).status_code == 422


@pytest.mark.parametrize("role", ["supervisor", "agent", "analyst", "worker"])
def test_only_admins_may_open_the_webhooks_page_nor_see_it_in_their_menu(
    api: Api, role: str
) -> None:
    with_users = open_users(api.config.settings)
    try:
        sign_in(api.client, with_users, f"someone-{role}", role)
    finally:
        with_users.close()
    assert api.client.get("/console/webhooks").status_code == 403
    home = api.client.get("/console/cases" if role != "worker" else "/console/my")
    assert home.status_code == 200
    assert 'href="/console/webhooks"' not in home.text


def test_an_admin_of_some_communities_may_not_open_the_webhooks_page(
    api_on: Api, users: UserStore
) -> None:
    sign_in(api_on.client, users, "it-default", "admin", ["default"])
    answer = api_on.client.get("/console/webhooks")
    assert answer.status_code == 403
    assert "manage webhooks" in answer.text
