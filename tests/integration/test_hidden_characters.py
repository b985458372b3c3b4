"""No text field of intake or of any command accepts a control, zero-width or bidirectional
override character, nor a line break or tab unless it is a long text; the error names the
field, the character's code point and its position, and nothing is written."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.driver import ALL_COMMANDS, new_request
from support.text_fields import (
    INTAKE_TEXTS,
    TextField,
    case_allowing,
    command_fields,
    spoiled,
    valid_arguments,
)
from workflow.errors import InvalidInput
from workflow.intake import NewRequest
from workflow.personal_data import Reporter
from workflow.service import CaseService

ACTOR = TextField("actor", "desk-zhang")
EXAMPLES = settings(max_examples=6, deadline=None)


def refused(app: CaseService, call: Any, field: TextField, char: str, at: int) -> None:
    before = app.recorder.max_notification_id()
    with pytest.raises(InvalidInput) as caught:
        call()
    assert caught.value.field == field.name
    assert f"contains U+{ord(char):04X} " in caught.value.problem
    assert f" at character {at};" in caught.value.problem
    assert app.recorder.max_notification_id() == before, "a refused command wrote events"


@pytest.mark.parametrize("command", ALL_COMMANDS)
def test_every_text_field_of_every_command_refuses_each_forbidden_class_of_characters(
    app: CaseService, command: str
) -> None:
    case_id = case_allowing(app, command)
    fields = (ACTOR, *command_fields(command))
    act = getattr(app, command)

    @EXAMPLES
    @given(st.data())
    def check(data: st.DataObject) -> None:
        for field in fields:
            for characters in field.classes().values():
                value, char, at = data.draw(spoiled(field, characters))
                arguments = {"actor": ACTOR.valid, **valid_arguments(command), field.name: value}
                refused(app, lambda a=arguments: act(case_id, **a), field, char, at)

    check()


def intake_with(field: TextField, value: str) -> NewRequest:
    request = new_request("renovation", idempotency_key="hotline-4711", note="n")
    if field.name == "reporter.name":
        return replace(request, reporter=Reporter(value, "13800000000"))
    if field.name == "reporter.phone":
        return replace(request, reporter=Reporter("王先生", value))
    if field.name == "details key":
        return replace(request, details={value: "安居装饰"})
    if field.name.startswith("details."):
        return replace(request, details={field.name.removeprefix("details."): value})
    return replace(request, **{field.name: value})


def test_every_text_field_of_an_intake_refuses_each_forbidden_class_of_characters(
    app: CaseService,
) -> None:
    @EXAMPLES
    @given(st.data())
    def check(data: st.DataObject) -> None:
        for field in INTAKE_TEXTS:
            for characters in field.classes().values():
                value, char, at = data.draw(spoiled(field, characters))
                request = intake_with(field, value)
                refused(app, lambda r=request: app.receive(r), field, char, at)
        for characters in ACTOR.classes().values():
            value, char, at = data.draw(spoiled(ACTOR, characters))
            refused(
                app, lambda a=value: app.receive(new_request("repair"), actor=a), ACTOR, char, at
            )

    check()


def test_long_texts_keep_their_tabs_and_line_breaks(app: CaseService) -> None:
    case_id = app.receive(
        new_request("repair", description="漏水\n\t厨房\r\n天花板\u2028滴水")
    ).case.id
    app.dispatch(case_id, actor="desk-zhang", assignee="eng-wang", note="带上\n备用阀门")
    assert app.get(case_id).description == "漏水\n\t厨房\r\n天花板\u2028滴水"
    assert app.history(case_id)[1].note == "带上\n备用阀门"
