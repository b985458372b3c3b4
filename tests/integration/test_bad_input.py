"""Bad input raises a typed error saying what was wrong and what is allowed; nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from support.driver import new_request, receive
from workflow.errors import CaseNotFound, DomainError, InvalidInput, InvalidTime
from workflow.personal_data import Reporter
from workflow.service import CaseService


def rejects(
    app: CaseService, call: Callable[[], Any], error: type[DomainError], match: str
) -> None:
    before = app.recorder.max_notification_id()
    with pytest.raises(error, match=match):
        call()
    assert app.recorder.max_notification_id() == before, "a rejected command wrote events"


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"kind": "parking"}, r"kind: unknown value 'parking'; allowed: repair, complaint, renov"),
        ({"category": "roof"}, r"category: unknown value 'roof'; allowed: plumbing, electrical"),
        ({"channel": "fax"}, r"channel: unknown value 'fax'; allowed: phone, walk_in, wechat"),
        ({"priority": "urgent"}, r"priority: unknown value 'urgent'; allowed: emergency, normal"),
        ({"priority": None}, r"priority: a repair needs a priority; allowed: emergency, normal"),
        ({"description": "   "}, r"description: must not be empty"),
        ({"description": "x" * 4001}, r"description: is 4001 characters long; at most 4000"),
        ({"location": ""}, r"location: must not be empty"),
        ({"received_by": ""}, r"received_by: must not be empty"),
        ({"reporter": Reporter("", "138")}, r"reporter.name: must not be empty"),
        ({"idempotency_key": "k" * 201}, r"idempotency_key: is 201 characters long"),
        ({"description": "leak\x00"}, r"description: contains U\+0000 \(a control character\)"),
        ({"location": "3-2-\x1b[0m1201"}, r"location: contains U\+001B \(a control character\)"),
        (
            {"location": "3-2-1201 王先生 13800000000"},
            r"location: has a phone-like run of 11 digits at character 14; personal data",
        ),
        ({"location": "north gate (east)"}, r"location: has '\(' \(LEFT PARENTHESIS\)"),
        ({"received_by": "desk zhang"}, r"received_by: has ' ' \(SPACE\) at character 5"),
    ],
)
def test_an_intake_with_a_bad_field_is_rejected_and_writes_nothing(
    app: CaseService, overrides: dict[str, Any], match: str
) -> None:
    request = replace(new_request("repair"), **overrides)
    rejects(app, lambda: app.receive(request), InvalidInput, match)


@pytest.mark.parametrize(
    ("received_at", "match"),
    [
        ("yesterday", r"received_at|at: 'yesterday' is not an ISO 8601 time"),
        ("2026-13-01T10:00:00+08:00", r"is not an ISO 8601 time"),
        ("2026-05-01T10:00:00", r"has no UTC offset; add one, e.g. \+08:00"),
        (datetime(2026, 5, 1, 10, 0), r"has no UTC offset"),
        (datetime.now(UTC) + timedelta(hours=1), r"is in the future"),
        ("0001-01-01T00:00:00+14:00", r"is before 2000-01-01; check the year"),
    ],
)
def test_an_intake_with_a_malformed_or_future_time_is_rejected(
    app: CaseService, received_at: Any, match: str
) -> None:
    rejects(
        app,
        lambda: app.receive(new_request("repair", received_at=received_at)),
        InvalidTime,
        match,
    )


def test_a_command_earlier_than_the_cases_previous_event_is_rejected(app: CaseService) -> None:
    received_at = datetime.now(UTC) - timedelta(hours=2)
    case_id = receive(app, "repair", received_at=received_at)
    earlier = received_at - timedelta(minutes=1)
    rejects(
        app,
        lambda: app.dispatch(case_id, actor="agent-1", assignee="eng-1", at=earlier),
        InvalidTime,
        r"is earlier than the case's previous event",
    )


def test_a_small_clock_skew_into_the_future_is_tolerated(app: CaseService) -> None:
    case_id = receive(app, "repair")
    soon = datetime.now(UTC) + timedelta(seconds=30)
    assert app.dispatch(case_id, actor="a", assignee="eng-1", at=soon).case.state == "dispatched"


@pytest.mark.parametrize(
    ("command", "args", "match"),
    [
        ("dispatch", {"assignee": " "}, r"assignee: must not be empty"),
        ("hold", {"reason": ""}, r"reason: must not be empty"),
        ("cancel", {"reason": "x" * 201}, r"reason: is 201 characters long; at most 200"),
        ("handover", {"to": "desk-1", "reason": "shift"}, r"'desk-1' already owns the case"),
        ("dispatch", {"assignee": "e", "note": "n" * 4001}, r"note: is 4001 characters long"),
        ("dispatch", {"assignee": "王先生 138 0000 0000"}, r"assignee: has ' ' \(SPACE\)"),
        ("dispatch", {"assignee": "e", "team": "a@b"}, r"team: has '@' \(COMMERCIAL AT\)"),
        ("handover", {"to": "desk\u202e", "reason": "x"}, r"to: contains U\+202E"),
        ("hold", {"reason": "wait\nfor parts"}, r"reason: contains U\+000A \(a line break\)"),
    ],
)
def test_a_command_with_a_bad_argument_is_rejected_and_writes_nothing(
    app: CaseService, command: str, args: dict[str, Any], match: str
) -> None:
    case_id = receive(app, "repair")
    rejects(app, lambda: getattr(app, command)(case_id, actor="a", **args), InvalidInput, match)


def test_amounts_of_money_must_be_numbers_of_at_most_two_decimals(app: CaseService) -> None:
    case_id = receive(app, "renovation")
    for deposit, match in [
        ("abc", r"'abc' is not an amount"),
        ("-5", r"at least 0"),
        ("1.234", r"more than two decimal places"),
    ]:
        rejects(
            app,
            lambda d=deposit: app.approve(case_id, actor="a", permit_no="P1", deposit=d, fee="1"),
            InvalidInput,
            match,
        )


def test_a_permit_number_is_letters_digits_dashes_and_slashes(app: CaseService) -> None:
    case_id = receive(app, "renovation")
    rejects(
        app,
        lambda: app.approve(case_id, actor="a", permit_no="ZX 2026", deposit="1", fee="1"),
        InvalidInput,
        r"permit_no: has ' ' \(SPACE\) at character 3; a permit number is 1-40 letters",
    )
    approved = app.approve(case_id, actor="a", permit_no="沪装2026/0042", deposit="1", fee="1")
    assert approved.case.permit_no == "沪装2026/0042"


def test_a_refund_must_account_for_the_whole_deposit(app: CaseService) -> None:
    case_id = receive(app, "renovation")
    app.approve(case_id, actor="a", permit_no="P1", deposit="2000", fee="300")
    app.request_acceptance(case_id, actor="a")
    app.pass_acceptance(case_id, actor="a")
    rejects(
        app,
        lambda: app.refund_deposit(case_id, actor="a", refunded="1500"),
        InvalidInput,
        r"refunded 1500.00 plus withheld 0.00 must equal the deposit 2000.00",
    )
    rejects(
        app,
        lambda: app.refund_deposit(case_id, actor="a", refunded="1500", withheld="500"),
        InvalidInput,
        r"reason: must not be empty",
    )
    done = app.refund_deposit(
        case_id, actor="a", refunded="1500", withheld="500", reason="damaged the corridor wall"
    )
    assert done.case.state == "completed"
    assert str(done.case.withheld) == "500.00"


def test_an_unknown_case_id_is_reported_as_not_found(app: CaseService) -> None:
    missing = uuid4()
    with pytest.raises(CaseNotFound, match=f"no case with id {missing}"):
        app.get(missing)
    with pytest.raises(CaseNotFound):
        app.history(missing)
    rejects(app, lambda: app.dispatch(missing, actor="a", assignee="e"), CaseNotFound, "no case")


def test_a_malformed_case_id_says_a_uuid_is_expected(app: CaseService) -> None:
    rejects(app, lambda: app.sign("12345", actor="a"), InvalidInput, r"'12345' is not a case id")
