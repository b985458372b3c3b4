"""Idempotent intake: a retried request is one case, on every backend, across restarts."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from support.api_client import Api, running
from support.request_bodies import COMPLAINT

KEY = "^[!-~]{1,128}$"
BODY = {**COMPLAINT, "received_by": "desk-li", "reporter": {"name": "张女士", "phone": "139"}}


def post(api: Api, key: str | None, body: dict[str, Any] = BODY, token: str = "hotline") -> Any:
    api.auth("desk-li", "agent")  # a receiver a channel names is a known agent
    headers = api.auth(token, "channel")
    if key is not None:
        headers = {**headers, "Idempotency-Key": key}
    return api.client.post("/requests", json=body, headers=headers)


def test_a_retry_with_the_same_key_and_body_answers_200_with_the_same_case(api_on: Api) -> None:
    first = post(api_on, "wechat-9001")
    head = api_on.head()
    again = post(api_on, "wechat-9001")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Location"] == first.headers["Location"]
    assert int(again.headers["X-Event-Position"]) == head  # the head: reading it reads the case
    assert api_on.head() == head


def test_the_same_key_with_another_body_answers_422_and_writes_nothing(api_on: Api) -> None:
    post(api_on, "wechat-9002")
    head = api_on.head()
    response = post(api_on, "wechat-9002", {**BODY, "description": "something else"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "'wechat-9002' was already used for a different request" in response.json()["detail"]
    assert api_on.head() == head


@pytest.mark.parametrize("token", ["hotline", "desk-zhang"])
def test_the_same_key_with_another_channel_in_the_body_answers_422_and_writes_nothing(
    api_on: Api, token: str
) -> None:
    role = "channel" if token == "hotline" else "agent"
    body = BODY if role == "channel" else {k: v for k, v in BODY.items() if k != "received_by"}
    api_on.auth("desk-li", "agent")  # a receiver a channel names is a known agent
    headers = {**api_on.auth(token, role), "Idempotency-Key": "wechat-9003"}
    first = api_on.client.post("/requests", json=body, headers=headers)
    assert first.status_code == 201, first.text
    head = api_on.head()
    other = api_on.client.post("/requests", json={**body, "channel": "web"}, headers=headers)
    assert other.status_code == 422, other.text
    assert "'wechat-9003' was already used for a different request" in other.json()["detail"]
    assert api_on.head() == head
    again = api_on.client.post("/requests", json=body, headers=headers)
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])


def test_two_channels_using_the_same_key_make_two_cases(api_on: Api) -> None:
    ours = post(api_on, "42", token="hotline")
    theirs = post(api_on, "42", token="web-form")
    assert (ours.status_code, theirs.status_code) == (201, 201)
    assert ours.json()["id"] != theirs.json()["id"]


def test_a_channel_must_send_an_idempotency_key(api: Api) -> None:
    response = post(api, None)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert api.head() == 0


@pytest.mark.parametrize("key", ["k" * 129, "two words", "", "del\x7f"])
def test_a_key_outside_the_pattern_answers_422_naming_the_header(api: Api, key: str) -> None:
    response = post(api, key)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "header.Idempotency-Key", "message": f"String should match pattern '{KEY}'"}
    ]
    assert api.head() == 0


def test_a_bad_key_and_a_bad_body_answer_the_bodys_errors_first(api: Api) -> None:
    response = post(api, "two words", {**BODY, "kind": "unknown"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.kind"]


def test_the_openapi_document_shows_the_key_header_the_body_and_the_bearer_scheme(
    api: Api,
) -> None:
    document = api.client.get("/openapi.json").json()
    intake = document["paths"]["/requests"]["post"]
    (key,) = intake["parameters"]
    assert (key["name"], key["in"], key["required"]) == ("Idempotency-Key", "header", False)
    assert {"type": "string", "pattern": KEY} in key["schema"]["anyOf"]
    assert intake["security"] == [{"HTTPBearer": []}]
    assert "HTTPBearer" in document["components"]["securitySchemes"]
    body = intake["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NewRequestIn"
    }
    schemas = document["components"]["schemas"]
    assert {"kind", "channel", "reporter", "details"} <= set(schemas["NewRequestIn"]["properties"])
    assert {"ReporterIn", "Channel", "Kind"} <= set(schemas)


def test_a_staff_token_may_send_a_key_too(api: Api) -> None:
    headers = {**api.agent, "Idempotency-Key": "desk-1"}
    body = {**COMPLAINT}
    first = api.client.post("/requests", json=body, headers=headers)
    again = api.client.post("/requests", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]


def test_concurrent_duplicates_become_exactly_one_case(api_on: Api) -> None:
    threads, barrier = 8, threading.Barrier(8)
    answers: list[tuple[int, str]] = []
    api_on.auth("hotline", "channel")  # issued before the threads race
    api_on.auth("desk-li", "agent")

    def send() -> None:
        barrier.wait()
        response = post(api_on, "burst-1")
        answers.append((response.status_code, response.json()["id"]))

    workers = [threading.Thread(target=send) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(status for status, _ in answers) == [200] * (threads - 1) + [201]
    assert len({case_id for _, case_id in answers}) == 1
    assert api_on.head() == 1


def test_a_retry_after_a_server_restart_answers_the_same_case(db: str) -> None:
    with running(db) as before:
        first = post(before, "phone-77")
        issued = dict(before.issued)
    with running(db) as after:
        after.issued.update(issued)  # the token is stored in the database too
        again = post(after, "phone-77")
        assert after.head() == 1
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
