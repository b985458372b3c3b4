"""Over HTTP, free text holding a mobile or resident ID-card number is refused: 422 naming
the field, the number masked and never whole, the reporter fields named instead, and
nothing written; the reporter's own fields take the phone."""

from __future__ import annotations

from typing import Any

import pytest

from support.api_client import Api
from support.driver import BODY_COMMANDS
from support.request_bodies import RENOVATION
from support.text_fields import case_allowing, command_fields, valid_arguments
from workflow.service import CaseService

PHONE, ID_NUMBER = "13812345678", "11010519491231002X"
TEXTS = (f"业主电话 {PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}", f"身份证 {ID_NUMBER}")
LABELS = {"assignee", "team", "to", "location", "category", "permit_no"}


def service(api: Api) -> CaseService:
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    found: CaseService = runtime.service
    return found


def assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["field"] == f"body.{field}", problem
    message = problem["errors"][0]["message"]
    assert message.startswith("holds what looks like a "), message
    assert "reporter.name, reporter.phone" in message
    assert "138****5678" in message or "1101************2X" in message
    assert PHONE not in response.text
    assert ID_NUMBER not in response.text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"description": TEXTS[0]}, "description"),
        ({"description": TEXTS[1]}, "description"),
        ({"note": TEXTS[0]}, "note"),
        ({"details": {"contractor": TEXTS[1]}}, "details.contractor"),
    ],
)
def test_intake_refuses_free_text_with_a_personal_number_and_writes_nothing(
    api_on: Api, changes: dict[str, Any], field: str
) -> None:
    head = api_on.head()
    body = {**RENOVATION, **changes, "reporter": {"name": "王先生", "phone": PHONE}}
    sent = api_on.client.post("/requests", json=body, headers=api_on.agent)
    assert_refused(sent, field)
    assert api_on.head() == head
    listed = api_on.client.get("/requests", headers=api_on.supervisor).json()
    assert listed["items"] == []


def test_the_reporter_fields_take_the_phone_free_text_refuses(api_on: Api) -> None:
    spaced = f"{PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}"
    case = api_on.create("repair", reporter={"name": "王先生", "phone": spaced})
    assert case["reporter"] == {"name": "王先生", "phone": spaced}


def test_a_command_with_a_note_holding_a_phone_number_is_refused_and_writes_nothing(
    api_on: Api,
) -> None:
    case = api_on.create("repair")
    head = api_on.head()
    sent = api_on.act(case["id"], "dispatch", {"assignee": "eng-wang", "note": TEXTS[0]})
    assert_refused(sent, "note")
    assert api_on.head() == head


@pytest.mark.parametrize("command", BODY_COMMANDS)
def test_every_free_text_of_every_command_refuses_a_personal_number_over_http(
    api_on: Api, command: str
) -> None:
    case_id = case_allowing(service(api_on), command)
    path = f"/requests/{case_id}/{command.replace('_', '-')}"
    head = api_on.head()
    texts = [f for f in command_fields(command) if f.name not in LABELS]
    for n, field in enumerate(texts):
        body = {**valid_arguments(command), field.name: TEXTS[n % 2]}
        assert_refused(api_on.client.post(path, json=body, headers=api_on.agent), field.name)
    assert api_on.head() == head
