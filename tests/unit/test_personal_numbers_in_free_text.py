"""Intake and every command refuse a description, note, reason or other free text holding a
mobile or resident ID-card number, naming the field and what was found (masked) and
pointing to the reporter fields; nothing is written. Names and locations have their own
rule (`labels`); the reporter's fields are where the phone belongs."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

import pytest

from support.driver import ALL_COMMANDS, new_request
from support.text_fields import case_allowing, command_fields, valid_arguments
from workflow import communities, intake
from workflow.case import Case, Stamp
from workflow.errors import PersonalNumberInText
from workflow.personal_data import Reporter
from workflow.service import CaseService

MOBILE_TEXT = "业主电话 138-1234-5678，下午在家"
ID_TEXT = "身份证 11010519491231002X 已登记"
MOBILE, ID_CARD = "a mobile phone number", "a resident ID-card number"
# The text inputs that are names, places or numbers of their own vocabulary (`labels`).
LABELS = {"assignee", "team", "to", "location", "category", "permit_no"}


def refused(app: CaseService, call: Any, field: str, what: str) -> PersonalNumberInText:
    before = app.recorder.max_notification_id()
    with pytest.raises(PersonalNumberInText) as caught:
        call()
    assert caught.value.field == field
    assert caught.value.problem.startswith(f"holds what looks like {what} (")
    assert app.recorder.max_notification_id() == before, "a refused command wrote events"
    return caught.value


def test_a_description_with_a_mobile_number_is_refused_at_intake_and_nothing_is_kept(
    memory_app: CaseService,
) -> None:
    request = new_request(
        "repair",
        description=MOBILE_TEXT,
        idempotency_key="hotline-1",
        reporter=Reporter("王先生", "13812345678"),
    )
    error = refused(memory_app, lambda: memory_app.receive(request), "description", MOBILE)
    assert str(error) == (
        "description: holds what looks like a mobile phone number (138****5678) at character "
        "6; personal data is not kept in a case's history: give the reporter's name and phone "
        "in the reporter fields (reporter.name, reporter.phone), which can be erased, and "
        "leave the number out of this text"
    )
    case_id = intake.case_id_for("phone", "hotline-1")
    assert memory_app.reporters.get(intake.reporter_ref_for(case_id)) is None


@pytest.mark.parametrize(
    ("changes", "field", "what"),
    [
        ({"description": ID_TEXT}, "description", ID_CARD),
        ({"note": MOBILE_TEXT}, "note", MOBILE),
        ({"details": {"contractor": ID_TEXT}}, "details.contractor", ID_CARD),
        ({"details": {"业主 13812345678": "x"}}, "details key", MOBILE),
        (
            {"received_at": "2026-01-01T09:00:00+08:00", "late_reason": MOBILE_TEXT},
            "late_reason",
            MOBILE,
        ),
    ],
)
def test_every_free_text_of_an_intake_refuses_a_personal_number(
    memory_app: CaseService, changes: dict[str, Any], field: str, what: str
) -> None:
    request = new_request("renovation", **changes)
    refused(memory_app, lambda: memory_app.receive(request), field, what)


@pytest.mark.parametrize("command", ALL_COMMANDS)
def test_every_free_text_of_every_command_refuses_a_personal_number(
    memory_app: CaseService, command: str
) -> None:
    case_id = case_allowing(memory_app, command)
    act = getattr(memory_app, command)
    texts = [f for f in command_fields(command) if f.name not in LABELS]
    assert texts, "every command takes a note at least"
    if command == "erase_reporter":  # it takes no note at all, whatever the note says
        texts = [f for f in texts if f.name != "note"]
    for field in texts:
        for text, what in ((MOBILE_TEXT, MOBILE), (ID_TEXT, ID_CARD)):
            arguments = {"actor": "desk-zhang", **valid_arguments(command), field.name: text}
            refused(memory_app, lambda a=arguments: act(case_id, **a), field.name, what)


def test_a_late_reason_with_a_phone_number_is_refused_on_a_command(
    memory_app: CaseService,
) -> None:
    case_id = memory_app.receive(new_request("repair")).case.id

    def dispatch() -> None:  # a reason given on time is kept, so it is judged too
        memory_app.dispatch(
            case_id, actor="desk-zhang", assignee="eng-wang", late_reason=MOBILE_TEXT
        )

    refused(memory_app, dispatch, "late_reason", MOBILE)


def recorded_before_the_rule(app: CaseService, request: Any) -> UUID:
    """The case `request` made when free text was not yet searched for numbers."""
    fields = intake.validate(request)
    fields["community"] = communities.resolve(request.community, app.communities)
    key = request.idempotency_key
    case_id = intake.case_id_for(intake.key_scope(request, fields["channel"]), key)
    stamp = Stamp(request.received_by, app.clock())
    digest = intake.fingerprint(fields, request)
    app.save(Case.receive(case_id, stamp, reporter_ref=None, fingerprint=digest, **fields))
    return case_id


def test_a_retry_of_a_request_recorded_before_the_rule_is_still_answered_with_its_case(
    memory_app: CaseService,
) -> None:
    request = new_request("repair", description=MOBILE_TEXT, idempotency_key="hotline-2")
    case_id = recorded_before_the_rule(memory_app, request)
    again = memory_app.receive(request)
    assert (again.case.id, again.created) == (case_id, False)


def test_a_correction_that_keeps_a_description_recorded_before_the_rule_is_recorded(
    memory_app: CaseService,
) -> None:
    request = new_request("repair", description=MOBILE_TEXT, idempotency_key="hotline-3")
    case_id = recorded_before_the_rule(memory_app, request)
    memory_app.amend(
        case_id, actor="desk-zhang", location="3-2-1202", description=MOBILE_TEXT, reason="unit"
    )
    assert memory_app.get(case_id).location == "3-2-1202"

    def correct() -> None:
        memory_app.amend(case_id, actor="desk-zhang", description=MOBILE_TEXT + "。", reason="more")

    refused(memory_app, correct, "description", MOBILE)


def test_the_reporter_fields_take_the_phone_that_free_text_refuses(
    memory_app: CaseService,
) -> None:
    request = replace(new_request("repair"), reporter=Reporter("王先生", "138-1234-5678"))
    recorded = memory_app.receive(request)
    ref = recorded.case.reporter_ref
    assert ref is not None
    assert memory_app.reporters.get(ref) == Reporter("王先生", "138-1234-5678")
