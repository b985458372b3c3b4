"""`propdesk webhook test` and `propdesk webhook deliveries` as an admin runs them: the
test message reaches the receiver signed, a refusal exits 1 and an unknown endpoint 2;
the deliveries list in each format, `--failed` only those given up; on each backend."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from api.cli.main import app
from api.config.settings import Settings
from api.storage.case_numbers import open_case_numbers
from api.webhooks.delivery_log import deliveries
from projections.notices.store import NoticeStore
from support.driver import new_request
from support.webhook_receiver import Clock, Receiver, put_notice
from support.webhooks import SHANGHAI, deliverer, endpoint_at, notice_store
from workflow.service import CaseService


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db], env={"COLUMNS": "250"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def store(settings: Settings) -> Iterator[NoticeStore]:
    with notice_store(settings) as opened:
        yield opened


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver().serving() as serving:
        yield serving


def test_the_test_message_reaches_the_receiver_and_its_answer_is_printed(
    db: str, store: NoticeStore, receiver: Receiver
) -> None:
    clock = Clock()
    target = endpoint_at(store, clock, receiver.base + "/ok")
    status, out, _ = run(db, "webhook", "test", target.id)
    assert status == 0
    assert f"{target.id} answered HTTP 204: delivered" in " ".join(out.split())
    (sent,) = receiver.to("/ok")
    assert sent.json()["type"] == "webhook.test"
    assert sent.headers["webhook-id"].startswith("msg_test_")
    assert deliveries(store, limit=10) == []  # nothing recorded


def test_a_test_message_refused_exits_1_and_an_unknown_endpoint_2(
    db: str, store: NoticeStore, receiver: Receiver
) -> None:
    target = endpoint_at(store, Clock(), receiver.base + "/fail")
    status, _, err = run(db, "webhook", "test", target.id)
    assert (status, "answered HTTP 500: HTTP 500" in err) == (1, True)
    status, _, err = run(db, "webhook", "test", "ep_nothing")
    assert status == 2
    assert "no webhook endpoint has the id 'ep_nothing'" in err


def test_the_deliveries_are_listed_in_each_format_and_failed_ones_alone(
    db: str, store: NoticeStore, receiver: Receiver, service: CaseService, tmp_path: Path
) -> None:
    case = str(service.receive(new_request("repair")).case.id)
    numbers = open_case_numbers(Settings.load({}, db=db))
    try:
        case_number = numbers.number_of(case)
    finally:
        numbers.close()
    assert case_number is not None
    clock = Clock()
    taking = endpoint_at(store, clock, receiver.base + "/ok")
    gone = endpoint_at(store, clock, receiver.base + "/gone", events=["milestone.breached"])
    put_notice(store, case_id=case, emitted_at=clock.now)
    put_notice(store, case_id=case, type_="milestone.breached", emitted_at=clock.now)
    with deliverer(store, clock) as sending:
        sending.step()
    status, out, _ = run(db, "webhook", "deliveries", "--format", "json")
    assert status == 0
    listed = json.loads(out)
    assert sorted(
        (d["endpoint"], d["type"], d["status"], d["last_status"]) for d in listed
    ) == sorted(
        [
            (taking.id, "milestone.at_risk", "delivered", 204),
            (taking.id, "milestone.breached", "delivered", 204),
            (gone.id, "milestone.breached", "failed", 410),
        ]
    )
    assert {d["created_at"] for d in listed} == {clock.now.astimezone(SHANGHAI).isoformat()}
    assert {d["case_number"] for d in listed} == {case_number}
    status, out, _ = run(db, "webhook", "deliveries", "--failed", "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["endpoint"], r["case_number"], r["case_id"], r["attempts"]) for r in rows] == [
        (gone.id, case_number, case, "1")
    ]
    status, out, _ = run(db, "webhook", "deliveries", "--failed")
    assert status == 0
    assert gone.id in out
    assert case_number in out
    assert taking.id not in out
    book = tmp_path / "deliveries.xlsx"
    status, _, _ = run(db, "webhook", "deliveries", "--format", "xlsx", "--output", str(book))
    assert status == 0
    sheet = load_workbook(book).active
    assert sheet is not None
    header, *data = list(sheet.iter_rows(values_only=True))
    assert header[2:4] == ("工单号", "工单ID")
    assert sorted(r[1] for r in data) == [
        "milestone.at_risk", "milestone.breached", "milestone.breached"
    ]  # fmt: skip
    assert {r[2] for r in data} == {case_number}
