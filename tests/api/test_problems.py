"""Bad input answers 4xx as an RFC 9457 problem document a person can act on; nothing is written."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.api_client import Api
from support.request_bodies import REPAIR

LATER = (datetime.now(UTC) + timedelta(days=2)).isoformat()
ID = "{id}"  # replaced by a dispatched repair's id


def bad(
    name: str, method: str, path: str, arguments: dict[str, Any], status: int, phrase: str
) -> Any:
    return pytest.param(method, path, arguments, status, phrase, id=name)


# A bad request, its arguments, the status it answers and a phrase of the problem's detail.
BAD = [
    bad(
        "malformed JSON",
        "POST",
        "/requests",
        {"content": b'{"kind": ', "headers": {"Content-Type": "application/json"}},
        400,
        "not valid JSON",
    ),
    bad(
        "not JSON at all",
        "POST",
        "/requests",
        {"content": b"kind=repair"},
        415,
        "Content-Type: application/json",
    ),
    bad(
        "JSON without a Content-Type",
        "POST",
        "/requests",
        {"content": b'{"kind": "repair"}'},
        415,
        "(got none)",
    ),
    bad(
        "an empty body",
        "POST",
        "/requests",
        {"content": b"", "headers": {"Content-Type": "application/json"}},
        422,
        "body: required",
    ),
    bad(
        "a JSON array",
        "POST",
        "/requests",
        {"json": [REPAIR]},
        422,
        "body: Input should be an object",
    ),
    bad(
        "a wrong type",
        "POST",
        "/requests",
        {"json": {**REPAIR, "description": 42}},
        422,
        "body.description: Input should be a valid string (got 42)",
    ),
    bad(
        "an unknown field",
        "POST",
        "/requests",
        {"json": {**REPAIR, "colour": "red"}},
        422,
        "body.colour: unknown field",
    ),
    bad(
        "a missing field",
        "POST",
        "/requests",
        {"json": {k: v for k, v in REPAIR.items() if k != "location"}},
        422,
        "body.location: required",
    ),
    bad(
        "an unknown enum value",
        "POST",
        "/requests",
        {"json": {**REPAIR, "channel": "fax"}},
        422,
        "body.channel: Input should be 'phone', 'walk_in'",
    ),
    bad(
        "a category of another kind",
        "POST",
        "/requests",
        {"json": {**REPAIR, "category": "fees"}},
        422,
        "category: unknown value 'fees'; allowed: plumbing",
    ),
    bad(
        "a repair without priority",
        "POST",
        "/requests",
        {"json": {**REPAIR, "priority": None}},
        422,
        "a repair needs a priority; allowed: emergency, normal",
    ),
    bad(
        "blank text",
        "POST",
        "/requests",
        {"json": {**REPAIR, "location": "   "}},
        422,
        "location: must not be empty",
    ),
    bad(
        "a NUL character",
        "POST",
        "/requests",
        {"json": {**REPAIR, "details": {"contractor": "a\x00b"}}},
        422,
        "details.contractor: contains U+0000 (a control character) at character 2; remove it",
    ),
    bad(
        "a raw DEL character, which JSON allows unescaped",
        "POST",
        "/requests",
        {
            "content": json.dumps({**REPAIR, "location": "3-2-\x7f1201"}, ensure_ascii=False),
            "headers": {"Content-Type": "application/json"},
        },
        422,
        "location: contains U+007F (a control character) at character 5; remove it",
    ),
    bad(
        "a NUL character in a filter",
        "GET",
        "/requests",
        {"params": {"owner": "desk\x00"}},
        422,
        "query.owner: contains U+0000 (a control character)",
    ),
    bad(
        "a body over the limit",
        "POST",
        "/requests",
        {"json": {**REPAIR, "description": "x" * 70_000}},
        413,
        "at most 65536 are accepted",
    ),
    bad(
        "an impossible date",
        "POST",
        "/requests",
        {"json": {**REPAIR, "received_at": "2026-02-30T10:00:00+08:00"}},
        422,
        "body.received_at",
    ),
    bad(
        "a time without offset",
        "POST",
        "/requests",
        {"json": {**REPAIR, "received_at": "2026-01-05T10:00:00"}},
        422,
        "timezone",
    ),
    bad(
        "a time in the future",
        "POST",
        "/requests",
        {"json": {**REPAIR, "received_at": LATER}},
        422,
        "is in the future",
    ),
    bad(
        "a time before 2000",
        "POST",
        "/requests",
        {"json": {**REPAIR, "received_at": "0001-01-01T00:00:00+14:00"}},
        422,
        "is before 2000",
    ),
    bad(
        "a long idempotency key",
        "POST",
        "/requests",
        {"json": REPAIR, "headers": {"Idempotency-Key": "k" * 200}},
        422,
        "header.Idempotency-Key",
    ),
    bad(
        "a received_by not the staff token's",
        "POST",
        "/requests",
        {"json": {**REPAIR, "received_by": "someone"}},
        422,
        "omit received_by or send 'desk-zhang'",
    ),
    bad(
        "an unknown case",
        "GET",
        "/requests/6f1c2b7e-0000-4000-8000-000000000000",
        {},
        404,
        "no case with id 6f1c2b7e",
    ),
    bad(
        "a command on an unknown case",
        "POST",
        "/requests/6f1c2b7e-0000-4000-8000-000000000000/sign",
        {},
        404,
        "no case with id",
    ),
    bad(
        "a malformed case id",
        "GET",
        "/requests/12345",
        {},
        422,
        "path.case_id: '12345' is neither a case id (a UUID) nor a case number such as",
    ),
    bad(
        "an illegal transition",
        "POST",
        f"/requests/{ID}/complete",
        {"json": {"resolution": "done"}},
        409,
        "cannot complete repair in state 'dispatched'; allowed:",
    ),
    bad(
        "an occurrence before the previous event",
        "POST",
        f"/requests/{ID}/hold",
        {"json": {"reason": "parts", "at": "2026-01-01T00:00:00+08:00"}},
        422,
        "earlier than the case's previous event",
    ),
    bad(
        "an amount that is not money",
        "POST",
        f"/requests/{ID}/quote",
        {"json": {"amount": "12,50"}},
        422,
        "body.amount",
    ),
    bad(
        "an amount with three decimals",
        "POST",
        f"/requests/{ID}/quote",
        {"json": {"amount": "12.505"}},
        422,
        "body.amount",
    ),
    bad(
        "a negative amount",
        "POST",
        f"/requests/{ID}/quote",
        {"json": {"amount": -5}},
        422,
        "body.amount",
    ),
    bad(
        "an unknown callback outcome",
        "POST",
        f"/requests/{ID}/callback",
        {"json": {"outcome": "meh"}},
        422,
        "'satisfied', 'basically_satisfied', 'unsatisfied' or 'unreachable'",
    ),
    bad(
        "the same assignee again",
        "POST",
        f"/requests/{ID}/dispatch",
        {"json": {"assignee": "eng-1"}},
        422,
        "already dispatched to 'eng-1'",
    ),
    bad(
        "a command body with an unknown field",
        "POST",
        f"/requests/{ID}/sign",
        {"json": {"by": "me"}},
        422,
        "body.by: unknown field",
    ),
    bad(
        "an as_of in the future",
        "GET",
        f"/requests/{ID}",
        {"params": {"as_of": LATER}},
        422,
        "nothing is known then yet",
    ),
    bad(
        "a cursor the API did not give",
        "GET",
        "/requests",
        {"params": {"cursor": "nonsense"}},
        422,
        "query.cursor",
    ),
    bad("a limit of zero", "GET", "/requests", {"params": {"limit": 0}}, 422, "query.limit"),
    bad("an unknown state", "GET", "/requests", {"params": {"state": "lost"}}, 422, "query.state"),
    bad(
        "a report ending before it starts",
        "GET",
        "/reports/sla",
        {"params": {"from": "2026-03-01", "to": "2026-02-01"}},
        422,
        "`from` < `to`",
    ),
    bad(
        "an impossible report date",
        "GET",
        "/reports/sla",
        {"params": {"from": "2026-13-01"}},
        422,
        "query.from",
    ),
    bad("an unknown route", "GET", "/cases", {}, 404, "no such route"),
    bad(
        "a method the route does not answer",
        "DELETE",
        "/requests",
        {},
        405,
        "does not answer DELETE; it answers GET, POST",
    ),
]


@pytest.mark.parametrize(("method", "path", "arguments", "status", "phrase"), BAD)
def test_bad_input_answers_a_problem_document_and_writes_nothing(
    api: Api, method: str, path: str, arguments: dict[str, Any], status: int, phrase: str
) -> None:
    case = api.create("repair")
    api.act(case["id"], "dispatch", {"assignee": "eng-1"})
    head = api.head()
    who = api.supervisor if path.startswith("/reports") else api.agent
    arguments = dict(arguments)  # the parameters are shared between runs: leave them whole
    headers = {**who, **arguments.pop("headers", {})}
    response = api.client.request(
        method, path.replace(ID, case["id"]), headers=headers, **arguments
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert {"type", "title", "status", "detail"} <= set(problem)
    assert problem["status"] == status
    assert problem["type"].startswith("https://propdesk.invalid/problems/")
    assert phrase in problem["detail"]
    assert api.head() == head


@pytest.mark.parametrize(
    "media_type", ["application/json; charset=utf-8", "Application/JSON", "application/x+json"]
)
def test_intake_takes_any_json_media_type_as_fastapi_does(api: Api, media_type: str) -> None:
    body = json.dumps({**REPAIR, "description": "漏水"}, ensure_ascii=False).encode()
    response = api.client.post(
        "/requests", content=body, headers={**api.agent, "Content-Type": media_type}
    )
    assert response.status_code == 201, response.text
    assert response.json()["description"] == "漏水"


def test_line_breaks_and_tabs_are_text_in_long_texts_but_not_in_one_line_fields(
    api: Api,
) -> None:
    body = {**REPAIR, "description": "漏水\n\t厨房", "reporter": {"name": "王先生"}}
    response = api.client.post("/requests", json=body, headers=api.agent)
    assert response.status_code == 201, response.text
    assert response.json()["description"] == "漏水\n\t厨房"
    head = api.head()
    one_line = {**body, "reporter": {"name": "王\r\n先生"}}
    refused = api.client.post("/requests", json=one_line, headers=api.agent)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [
        {
            "field": "body.reporter.name",
            "message": "contains U+000D (a line break) at character 2; remove it: this field is "
            "one line of text, with no tabs, line breaks, control, zero-width or bidirectional "
            "override characters",
        }
    ]
    assert api.head() == head


def test_invalid_fields_are_listed_one_by_one(api: Api) -> None:
    response = api.client.post(
        "/requests", json={**REPAIR, "kind": "flat", "extra": 1}, headers=api.agent
    )
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"body.kind", "body.extra"}
