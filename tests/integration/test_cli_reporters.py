"""`propdesk reporters erase` as an operator runs it: by case (id or number) or by phone
number, each erasure recorded on its case by the command line, the cases listed by number
and id; a case with nothing left to erase exits 2 and writes nothing; on each backend."""

from __future__ import annotations

import json
from collections.abc import Iterator
from uuid import UUID

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.config.settings import Settings
from api.storage.case_numbers import open_case_numbers
from api.wiring import open_follower, open_service
from support.driver import new_request
from workflow.personal_data import Reporter
from workflow.service import CaseService

PHONE = "13800000000"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def service(db: str) -> Iterator[CaseService]:
    opened = open_service(Settings.load({}, db=db))
    yield opened
    opened.close()


def received(service: CaseService, phone: str | None) -> UUID:
    reporter = Reporter("王先生", phone) if phone is not None else None
    case_id: UUID = service.receive(new_request("repair", reporter=reporter)).case.id
    return case_id


def followed(db: str, service: CaseService) -> None:
    settings = Settings.load({}, db=db)
    follower = open_follower(settings, settings.policy, service)
    follower.catch_up()


def number_of(db: str, case_id: UUID) -> str:
    numbers = open_case_numbers(Settings.load({}, db=db))
    try:
        found = numbers.number_of(case_id)
    finally:
        numbers.close()
    assert found is not None
    return found


def test_erasing_by_phone_erases_every_case_of_the_number_and_lists_them(
    db: str, service: CaseService
) -> None:
    first, second = received(service, PHONE), received(service, PHONE)
    other = received(service, "13911112222")
    service.cancel(second, actor="desk-1", reason="withdrawn")
    followed(db, service)
    code, out, err = run("reporters", "erase", "--phone", PHONE, "--db", db)
    assert code == 0, err
    assert "erased the reporter's record of 2 case(s)" in out
    for case_id in (first, second):
        assert f"{number_of(db, case_id)}  {case_id}" in out
        case = service.get(case_id)
        assert case.reporter_erased_at is not None
        assert case.reporter_ref is not None
        assert service.reporters.get(case.reporter_ref) is None
        erased = service.history(case_id)[-1]
        assert (erased.type, erased.actor, erased.data["reason"]) == (
            "ReporterErased",
            "command-line",
            "request",
        )
    assert service.get(second).state == "cancelled"
    kept = service.get(other)
    assert kept.reporter_ref is not None
    assert service.reporters.get(kept.reporter_ref) is not None
    code, _, err = run("reporters", "erase", "--phone", PHONE, "--db", db)
    assert code == 2
    assert "no reporter's record has this number" in err


def test_erasing_by_case_number_erases_that_case_and_a_second_time_is_refused(
    db: str, service: CaseService
) -> None:
    case_id = received(service, PHONE)
    number = number_of(db, case_id)
    code, out, err = run("reporters", "erase", "--case", number, "--db", db)
    assert code == 0, err
    assert f"{number}  {case_id}" in out
    code, out, err = run("show", number, "--format", "json", "--db", db)
    assert code == 0, err
    shown = json.loads(out)
    assert shown["reporter"] == "erased"
    assert shown["reporter_erased_at"] is not None
    assert "13800000000" not in out
    version = service.get(case_id).version
    code, out, err = run("reporters", "erase", "--case", str(case_id), "--db", db)
    assert code == 2
    assert "erased already" in err
    assert service.get(case_id).version == version


def test_a_case_without_a_reporter_is_refused_and_nothing_is_written(
    db: str, service: CaseService
) -> None:
    case_id = received(service, None)
    code, _, err = run("reporters", "erase", "--case", str(case_id), "--db", db)
    assert code == 2
    assert "recorded without a reporter" in err
    assert service.get(case_id).version == 1


def test_either_a_case_or_a_phone_number_is_named(db: str) -> None:
    code, _, err = run("reporters", "erase", "--db", db)
    assert code == 2
    assert "either --case or --phone" in err
