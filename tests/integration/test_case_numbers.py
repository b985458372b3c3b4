"""Case numbers (工单号): one per case, assigned once in the transaction that records it,
in the order cases are recorded, per kind and local day, on each backend, also when
processes race and when intake saves a batch together."""

from __future__ import annotations

import json
import multiprocessing
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.config.settings import Settings
from api.storage.case_numbers import CaseNumbers
from api.storage.own_tables import open_side_database
from api.wiring import open_service
from support.driver import new_request
from workflow.errors import InvalidInput
from workflow.intake import NewRequest
from workflow.service import CaseService

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def numbers(settings: Settings) -> Iterator[CaseNumbers]:
    found = CaseNumbers(open_side_database(settings))
    yield found
    found.close()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def dated(kind: str, **overrides: Any) -> NewRequest:
    """A request received on a fixed past day: numbered on that day whenever the test runs."""
    return new_request(
        kind, received_at=at("2026-12-01T10:00:00+08:00"), late_reason="from paper", **overrides
    )


def test_each_kind_counts_its_own_cases_of_each_local_day_in_the_order_recorded(
    service: CaseService, numbers: CaseNumbers
) -> None:
    made = [
        ("repair", "2026-12-05T10:00:00+08:00"),
        ("repair", "2026-12-05T23:59:00+08:00"),
        ("complaint", "2026-12-05T12:00:00+08:00"),
        # 16:30 UTC on the 5th is 00:30 on the 6th in Shanghai: the next day's first.
        ("repair", "2026-12-05T16:30:00+00:00"),
        ("renovation", "2026-12-05T09:00:00+08:00"),
        ("repair", "2026-12-05T08:00:00+08:00"),  # recorded later, so numbered later
    ]
    ids = [
        service.receive(new_request(kind, received_at=at(when), late_reason="from paper")).case.id
        for kind, when in made
    ]
    assert [numbers.number_of(case_id) for case_id in ids] == [
        "BX-20261205-0001",
        "BX-20261205-0002",
        "TS-20261205-0001",
        "BX-20261206-0001",
        "ZX-20261205-0001",
        "BX-20261205-0003",
    ]
    assert numbers.case_of("BX-20261206-0001") == str(ids[3])
    assert numbers.case_of("bx-20261206-0001") == str(ids[3])  # as typed by a person
    assert numbers.case_of("BX-20261206-0099") is None


def test_a_retry_keeps_its_number_and_a_refused_request_takes_none(
    service: CaseService, numbers: CaseNumbers
) -> None:
    first = service.receive(dated("repair", idempotency_key="call-1")).case.id
    again = service.receive(dated("repair", idempotency_key="call-1")).case.id
    with pytest.raises(InvalidInput):
        service.receive(dated("repair", category="no-such-category"))
    second = service.receive(dated("repair")).case.id
    assert again == first
    got = numbers.numbers_of([first, second])
    assert [got[str(first)][-4:], got[str(second)][-4:]] == ["0001", "0002"]


@pytest.mark.parametrize("text", ["", "BX-2026120-0001", "XX-20261206-0001", "BX-20261340-0001"])
def test_a_malformed_number_is_refused_saying_what_a_number_looks_like(
    numbers: CaseNumbers, text: str
) -> None:
    with pytest.raises(InvalidInput, match="BX-20261206-0042"):
        numbers.case_of(text)


def _intake(db: str, side: int, barrier: Any, results: Any) -> None:
    app = open_service(Settings.load({}, db=db))
    barrier.wait(timeout=60)
    made: list[str] = []
    for round_ in range(10):
        batch = [
            (new_request("repair", description=f"side {side} round {round_} {n}"), None)
            for n in range(3)
        ]
        made += [str(r.case.id) for r in app.receive_all(batch) if not isinstance(r, Exception)]
        made.append(str(app.receive(new_request("repair")).case.id))
    results.put(made)


def test_processes_racing_at_intake_never_share_or_skip_a_number(
    db: str, numbers: CaseNumbers, service: CaseService
) -> None:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    sides = [context.Process(target=_intake, args=(db, n, barrier, results)) for n in (1, 2)]
    for side in sides:
        side.start()
    made = [case_id for _ in sides for case_id in results.get(timeout=120)]
    for side in sides:
        side.join(timeout=60)
    assert len(made) == 80
    got = numbers.numbers_of(made)
    assert sorted(got) == sorted(made)
    assert len(set(got.values())) == 80
    # Each day's places run from 1 without a gap (a race across midnight makes two days).
    days = Counter(number[:11] for number in got.values())
    for day, count in days.items():
        places = sorted(int(n[-4:]) for n in got.values() if n.startswith(day))
        assert places == list(range(1, count + 1)), day


def test_cases_recorded_before_numbers_existed_are_numbered_in_recorded_order_at_opening(
    settings: Settings, service: CaseService, numbers: CaseNumbers
) -> None:
    kinds = ["complaint", "repair", "repair", "renovation", "complaint"]
    ids = [service.receive(dated(kind)).case.id for kind in kinds]
    given = numbers.numbers_of(ids)
    side = open_side_database(settings)
    side.run("DELETE FROM propdesk_case_numbers")  # as a database of the previous version
    assert numbers.numbers_of(ids) == {}
    reopened = open_service(settings)
    assert numbers.numbers_of(ids) == given
    assert [given[str(i)][:2] + given[str(i)][-4:] for i in ids] == [
        "TS0001", "BX0001", "BX0002", "ZX0001", "TS0002",
    ]  # fmt: skip
    open_service(settings).close()  # a second opening numbers nothing again
    assert numbers.numbers_of(ids) == given
    reopened.close()
    side.close()


def test_show_and_history_find_a_case_by_its_number_as_typed(
    db: str, service: CaseService, numbers: CaseNumbers
) -> None:
    case_id = service.receive(dated("complaint")).case.id
    number = numbers.number_of(case_id)
    assert number == "TS-20261201-0001"
    shown = CliRunner().invoke(app, ["show", number.lower(), "--format", "json", "--db", db])
    assert shown.exit_code == 0, shown.output
    assert (json.loads(shown.stdout)["id"], json.loads(shown.stdout)["number"]) == (
        str(case_id),
        number,
    )
    history = CliRunner().invoke(app, ["history", number, "--format", "json", "--db", db])
    assert history.exit_code == 0, history.output
    assert json.loads(history.stdout)[0]["type"] == "Received"
    missing = CliRunner().invoke(app, ["show", "TS-20261201-0002", "--db", db])
    assert missing.exit_code == 2
    assert "no case has the number TS-20261201-0002" in missing.stderr
