"""Over HTTP too, no text field of intake or of a command accepts a control, zero-width or
bidirectional override character, sent raw in UTF-8 or escaped: 422 naming the field, the
code point and the position, and nothing written."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.api_client import Api
from support.driver import BODY_COMMANDS
from support.request_bodies import RENOVATION
from support.text_fields import (
    INTAKE_TEXTS,
    TextField,
    case_allowing,
    command_fields,
    spoiled,
    valid_arguments,
)
from workflow.service import CaseService

EXAMPLES = settings(max_examples=3, deadline=None)
# The Idempotency-Key header has its own pattern: printable ASCII only.
BODY_TEXTS = [f for f in INTAKE_TEXTS if f.name != "idempotency_key"]


def service(api: Api) -> CaseService:
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    found: CaseService = runtime.service
    return found


def post(api: Api, path: str, body: dict[str, Any], raw: bool, headers: dict[str, str]) -> Any:
    """`raw`: the characters as UTF-8 bytes; otherwise escaped as \\uXXXX."""
    sent = json.dumps(body, ensure_ascii=not raw).encode()
    return api.client.post(
        path, content=sent, headers={**headers, "Content-Type": "application/json"}
    )


def assert_refused(response: Any, field: TextField, char: str, at: int) -> None:
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    label = field.name.split(".")[-1] if field.name.startswith("reporter.") else field.name
    code = f"U\\+{ord(char):04X}"
    assert re.search(rf"{re.escape(label)}: contains {code} .* at character {at};", detail), detail


@pytest.mark.parametrize("command", BODY_COMMANDS)
def test_every_text_field_of_every_command_refuses_each_forbidden_class_over_http(
    api_on: Api, command: str
) -> None:
    case_id = case_allowing(service(api_on), command)
    path = f"/requests/{case_id}/{command.replace('_', '-')}"
    head = api_on.head()

    @EXAMPLES
    @given(st.data())
    def check(data: st.DataObject) -> None:
        for field in command_fields(command):
            for characters in field.classes().values():
                value, char, at = data.draw(spoiled(field, characters))
                body = {**valid_arguments(command), field.name: value}
                response = post(api_on, path, body, data.draw(st.booleans()), api_on.agent)
                assert_refused(response, field, char, at)

    check()
    assert api_on.head() == head


def intake_body(field: TextField, value: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        **RENOVATION,
        "received_by": "desk-zhang",
        "note": "n",
        "reporter": {"name": "王先生", "phone": "13800000000"},
    }
    if field.name.startswith("reporter."):
        body["reporter"] = {**body["reporter"], field.name.removeprefix("reporter."): value}
    elif field.name == "details key":
        body["details"] = {value: "安居装饰"}
    elif field.name.startswith("details."):
        body["details"] = {field.name.removeprefix("details."): value}
    else:
        body[field.name] = value
    return body


def test_every_text_field_of_an_intake_refuses_each_forbidden_class_over_http(
    api_on: Api,
) -> None:
    channel = {**api_on.auth("hotline", "channel"), "Idempotency-Key": "k-1"}
    api_on.auth("desk-zhang", "agent")  # the receiver the body names is a known agent
    head = api_on.head()

    @EXAMPLES
    @given(st.data())
    def check(data: st.DataObject) -> None:
        for field in BODY_TEXTS:
            for characters in field.classes().values():
                value, char, at = data.draw(spoiled(field, characters))
                body = intake_body(field, value)
                response = post(api_on, "/requests", body, data.draw(st.booleans()), channel)
                assert_refused(response, field, char, at)

    check()
    assert api_on.head() == head
