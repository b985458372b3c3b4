"""`/webhooks` on each backend: admins of every community add, list, read and remove
endpoints and read the deliveries' log; the secret is in the answer to the add only;
refusals are problems that write nothing."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from api.http.runtime import Runtime
from projections.times import to_micros
from support.api_client import Api

URL = "https://93.184.216.34/robot/send?access_token=TOKEN-IN-QUERY"  # no DNS asked
BODY = {"url": URL, "events": ["milestone.breached", "case.closed"], "format": "dingtalk"}


def admin(api: Api) -> dict[str, str]:
    return api.auth("it-chen", "admin")


def add(api: Api, **differing: Any) -> Any:
    return api.client.post("/webhooks", json={**BODY, **differing}, headers=admin(api))


def test_an_added_endpoint_answers_its_secret_once_and_is_listed_redacted(api_on: Api) -> None:
    added = add(api_on, robot_secret="SECrobot")
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["secret"].startswith("whsec_")
    assert body["url"] == "https://93.184.216.34/robot/send?…"
    assert (body["format"], body["events"], body["communities"]) == (
        "dingtalk",
        ["milestone.breached", "case.closed"],
        [],
    )
    assert (body["has_robot_secret"], body["active"], body["created_by"]) == (
        True,
        True,
        "it-chen",
    )
    assert body["created_at"].endswith("+08:00")
    listed = api_on.client.get("/webhooks", headers=admin(api_on))
    one = api_on.client.get(f"/webhooks/{body['id']}", headers=admin(api_on))
    assert listed.status_code == one.status_code == 200
    without_secret = {k: v for k, v in body.items() if k != "secret"}
    assert listed.json() == [without_secret]
    assert one.json() == without_secret
    for answer in (listed, one):
        assert body["secret"] not in answer.text
        assert "TOKEN-IN-QUERY" not in answer.text
        assert "SECrobot" not in answer.text


# (what differs from BODY, what the detail says)
REFUSED = [
    ({"url": "ftp://93.184.216.34/x"}, "only http and https are allowed"),
    ({"url": "http://127.0.0.1:8080/hook"}, "127.0.0.1, a loopback address"),
    ({"url": "http://169.254.169.254/latest"}, "a link-local address"),
    ({"events": ["case.lost"]}, "unknown event type 'case.lost'; allowed: milestone.at_risk"),
    ({"communities": ["north"]}, "unknown community 'north'; known: default"),
    ({"format": "json", "robot_secret": "SEC1"}, "for the dingtalk format only"),
]


@pytest.mark.parametrize(("differing", "why"), REFUSED, ids=[w for _, w in REFUSED])
def test_a_refused_endpoint_answers_422_saying_why_and_writes_nothing(
    api_on: Api, differing: dict[str, Any], why: str
) -> None:
    refused = add(api_on, **differing)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert why in refused.json()["detail"]
    assert api_on.client.get("/webhooks", headers=admin(api_on)).json() == []


def test_a_malformed_body_answers_422_naming_the_field(api_on: Api) -> None:
    refused = add(api_on, format="slack", events=[])
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert fields == {"body.format", "body.events"}


def test_a_private_address_is_accepted_when_allowed(api_on: Api) -> None:
    added = add(api_on, url="http://10.0.0.8/hook", allow_private=True, format="json")
    assert added.status_code == 201, added.text
    assert added.json()["allow_private"] is True


def test_a_removed_endpoint_is_gone_and_an_unknown_one_answers_404(api_on: Api) -> None:
    found = add(api_on).json()["id"]
    assert api_on.client.delete(f"/webhooks/{found}", headers=admin(api_on)).status_code == 204
    for method in ("GET", "DELETE"):
        gone = api_on.client.request(method, f"/webhooks/{found}", headers=admin(api_on))
        assert gone.status_code == 404
        assert gone.headers["content-type"] == "application/problem+json"
        assert gone.json()["detail"] == f"no webhook endpoint has the id {found!r}"
    assert api_on.client.get("/webhooks", headers=admin(api_on)).json() == []


def record_deliveries(api: Api, endpoint_id: str, first_case: str = "case-0") -> None:
    """Three deliveries as the worker records them: delivered (about `first_case`),
    failed, pending."""
    rt: Runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    start = datetime(2026, 3, 1, tzinfo=UTC)
    rows = [
        (
            f"msg_{n}",
            endpoint_id,
            f"case-{n}/v2/case.closed",
            n,
            "case.closed",
            first_case if n == 0 else f"case-{n}",
            status,
            attempts,
            to_micros(start + timedelta(minutes=n)),
            last_status,
            error,
        )
        for n, (status, attempts, last_status, error) in enumerate(
            [
                ("delivered", 1, 200, None),
                ("failed", 8, 503, "HTTP 503"),
                ("pending", 2, None, "timed out"),
            ]
        )
    ]
    rt.notices.execute(
        [
            (
                "INSERT INTO wh_deliveries (webhook_id, endpoint_id, notice_id,"
                " notice_sequence, type, case_id, status, attempts, created_at, last_status,"
                " last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        ]
    )


def test_the_deliveries_log_is_newest_first_by_status_and_limited(api_on: Api) -> None:
    case = api_on.create()
    record_deliveries(api_on, add(api_on).json()["id"], first_case=case["id"])

    def listed(**query: Any) -> list[dict[str, Any]]:
        answer = api_on.client.get("/webhooks/deliveries", params=query, headers=admin(api_on))
        assert answer.status_code == 200, answer.text
        found: list[dict[str, Any]] = answer.json()
        return found

    assert [d["webhook_id"] for d in listed()] == ["msg_2", "msg_1", "msg_0"]
    assert [d["case_number"] for d in listed()] == [None, None, case["number"]]
    (failed,) = listed(status="failed")
    assert (failed["attempts"], failed["last_status"], failed["last_error"]) == (8, 503, "HTTP 503")
    assert failed["created_at"] == "2026-03-01T08:01:00+08:00"
    assert [d["webhook_id"] for d in listed(limit=1)] == ["msg_2"]
    refused = api_on.client.get(
        "/webhooks/deliveries", params={"status": "lost"}, headers=admin(api_on)
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "query.status"


@pytest.mark.parametrize("role", ["channel", "agent", "worker", "supervisor", "analyst"])
def test_only_admins_manage_webhooks(api: Api, role: str) -> None:
    other = api.auth(f"someone-{role}", role)
    for method, path in (
        ("GET", "/webhooks"),
        ("POST", "/webhooks"),
        ("GET", "/webhooks/deliveries"),
        ("GET", "/webhooks/ep_0123456789abcdef"),
        ("DELETE", "/webhooks/ep_0123456789abcdef"),
    ):
        answer = api.client.request(
            method, path, json=BODY if method == "POST" else None, headers=other
        )
        assert answer.status_code == 403, (method, path, answer.text)
        assert f"{role} token may not manage webhooks" in answer.json()["detail"]
    assert api.client.get("/webhooks", headers=admin(api)).json() == []


def test_an_admin_of_some_communities_may_not_manage_webhooks(api: Api) -> None:
    scoped = api.tokens.issue("east-admin", "admin", frozenset({"default"}))
    answer = api.client.get("/webhooks", headers={"Authorization": f"Bearer {scoped}"})
    assert answer.status_code == 403
    assert "manage webhooks" in answer.json()["detail"]


def test_a_test_message_is_sent_at_once_and_its_answer_reported(api: Api) -> None:
    taken: list[bytes] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            taken.append(self.rfile.read(int(self.headers["content-length"])))
            self.send_response(200 if self.path == "/ok" else 500)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        ids = []
        for path in ("/ok", "/fail"):
            added = add(api, url=base + path, allow_private=True, format="json")
            ids.append(added.json()["id"])
        ok = api.client.post(f"/webhooks/{ids[0]}/test", headers=admin(api))
        assert ok.status_code == 200, ok.text
        assert ok.json() == {"delivered": True, "status": 200, "error": None}
        failed = api.client.post(f"/webhooks/{ids[1]}/test", headers=admin(api)).json()
        assert failed["delivered"] is False
        assert failed["status"] == 500
        assert json.loads(taken[0])["type"] == "webhook.test"
        unknown = api.client.post("/webhooks/ep_0000000000000000/test", headers=admin(api))
        assert unknown.status_code == 404
        agent = api.client.post(f"/webhooks/{ids[0]}/test", headers=api.auth("desk-li", "agent"))
        assert agent.status_code == 403
    finally:
        server.shutdown()
