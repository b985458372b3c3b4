"""Notices delivered to webhooks in each format, as a receiver in the test process sees
them: the Standard Webhooks signature verifies with the endpoint's secret, a retry keeps
its webhook-id, no personal data leaves, the robots' bodies hold Chinese text and a
DingTalk robot's signed URL verifies; fan-out honours each endpoint's filters; on each
backend."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from api.config.settings import Settings
from api.storage.case_numbers import open_case_numbers
from api.webhooks.deliveries import fan_out, webhook_id
from projections.notices.store import NoticeStore
from support.driver import new_request
from support.webhook_receiver import Clock, Receiver, put_notice
from support.webhooks import SHANGHAI, deliverer, deliveries_of, endpoint_at, notice_store
from workflow.personal_data import Reporter
from workflow.service import CaseService

CASE = "5d0c8d9e-0000-4000-8000-000000000001"


@pytest.fixture
def store(settings: Settings) -> Iterator[NoticeStore]:
    with notice_store(settings) as opened:
        yield opened


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver().serving() as serving:
        yield serving


def verifies(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The receiver's check, as the Standard Webhooks specification describes it."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    given = [
        s.split(",", 1)[1] for s in headers["webhook-signature"].split() if s.startswith("v1,")
    ]
    return any(hmac.compare_digest(expected, g) for g in given)


def test_a_json_delivery_is_signed_so_that_the_endpoints_secret_verifies_it(
    store: NoticeStore, receiver: Receiver
) -> None:
    clock = Clock()
    target = endpoint_at(store, clock, receiver.base + "/ok")
    notice_id = put_notice(store, case_id=CASE, emitted_at=clock.now)
    with deliverer(store, clock, public_url="https://wuye.example.com") as sending:
        sending.step()
    (sent,) = receiver.to("/ok")
    headers = {k.lower(): v for k, v in sent.headers.items()}
    assert headers["webhook-id"] == webhook_id(target.id, notice_id)
    assert headers["webhook-timestamp"] == str(int(clock.now.timestamp()))
    assert verifies(target.secret, headers, sent.body)
    assert not verifies(target.secret, headers, sent.body + b" ")
    document = sent.json()
    assert document["type"] == "milestone.at_risk"
    assert document["data"] == {
        "notice_id": notice_id,
        "case_id": CASE,
        "case_number": None,  # a case with no number: this one was never recorded
        "community": "default",
        "kind": "repair",
        "milestone": "dispatch",
        "run": 1,
        "due_at": (clock.now + timedelta(minutes=10)).astimezone(SHANGHAI).isoformat(),
        "at": clock.now.astimezone(SHANGHAI).isoformat(),
        "late": False,
        "link": f"https://wuye.example.com/console/cases/{CASE}",
    }
    (delivery,) = deliveries_of(store, target)
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("delivered", 1, 204)


def test_a_retried_delivery_keeps_its_webhook_id_and_is_signed_anew(
    store: NoticeStore, receiver: Receiver
) -> None:
    clock = Clock()
    target = endpoint_at(store, clock, receiver.base + "/flaky")
    put_notice(store, case_id=CASE, emitted_at=clock.now)
    with deliverer(store, clock, jitter=lambda ceiling: ceiling) as sending:
        sending.step()
        clock.advance(5)
        sending.step()
    first, second = receiver.to("/flaky")
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert int(second.headers["webhook-timestamp"]) == int(first.headers["webhook-timestamp"]) + 5
    assert verifies(target.secret, {k.lower(): v for k, v in second.headers.items()}, second.body)
    (delivery,) = deliveries_of(store, target)
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


def test_no_personal_data_of_the_case_leaves_in_any_format(
    settings: Settings, service: CaseService, store: NoticeStore, receiver: Receiver
) -> None:
    reporter = Reporter("王小明", "13912345678")
    case = service.receive(
        new_request("repair", reporter=reporter, description="漏水 3-2-101")
    ).case
    clock = Clock()
    for fmt in ("json", "wecom", "dingtalk"):
        endpoint_at(store, clock, f"{receiver.base}/robot?fmt={fmt}", fmt=fmt)
    put_notice(store, case_id=str(case.id), emitted_at=clock.now)
    numbers = open_case_numbers(settings)
    try:
        with deliverer(store, clock, number_of=numbers.number_of) as sending:
            sending.step()
        number = numbers.number_of(case.id)
    finally:
        numbers.close()
    sent = receiver.to("/robot")
    assert len(sent) == 3
    for request in sent:
        text = json.dumps(request.json(), ensure_ascii=False)
        for personal in ("王小明", "13912345678", "漏水"):
            assert personal not in text
    wecom = next(r for r in sent if r.query["fmt"] == ["wecom"])
    assert number is not None
    assert number in wecom.json()["markdown"]["content"]
    standard = next(r for r in sent if r.query["fmt"] == ["json"])
    assert standard.json()["data"]["case_number"] == number


def test_the_robots_bodies_are_markdown_in_chinese_and_a_signed_dingtalk_url_verifies(
    store: NoticeStore, receiver: Receiver
) -> None:
    clock = Clock()
    endpoint_at(store, clock, receiver.base + "/robot?key=wecom-key", fmt="wecom")
    robot_secret = "SEC0123456789abcdef"
    endpoint_at(store, clock, receiver.base + "/robot?access_token=dt", fmt="dingtalk",
                robot_secret=robot_secret)  # fmt: skip
    put_notice(store, case_id=CASE, type_="milestone.breached", community="翠湖苑",
               emitted_at=clock.now)  # fmt: skip
    with deliverer(store, clock) as sending:
        sending.step()
    wecom = next(r for r in receiver.to("/robot") if "key" in r.query)
    dingtalk = next(r for r in receiver.to("/robot") if "access_token" in r.query)
    content = wecom.json()["markdown"]["content"]  # type: ignore[index]
    assert wecom.json()["msgtype"] == "markdown"
    due = (clock.now + timedelta(minutes=10)).astimezone(SHANGHAI)
    for words in ("工单已超时", "小区：翠湖苑", "节点：派单", f"时限：{due:%Y-%m-%d %H:%M}"):
        assert words in content
    markdown = dingtalk.json()["markdown"]
    assert markdown["title"] == "工单已超时"  # type: ignore[index]
    assert "节点：派单" in markdown["text"]  # type: ignore[index]
    (timestamp,) = dingtalk.query["timestamp"]
    assert int(timestamp) == int(clock.now.timestamp() * 1000)
    digest = hmac.new(robot_secret.encode(), f"{timestamp}\n{robot_secret}".encode(),
                      hashlib.sha256).digest()  # fmt: skip
    assert dingtalk.query["sign"] == [base64.b64encode(digest).decode()]  # parse_qs decoded it


def test_fan_out_gives_each_endpoint_only_the_types_and_communities_it_asked_for(
    store: NoticeStore, receiver: Receiver
) -> None:
    clock = Clock()
    breaches = endpoint_at(store, clock, receiver.base + "/ok", events=["milestone.breached"])
    north = endpoint_at(store, clock, receiver.base + "/ok", communities=["north"])
    put_notice(store, case_id=CASE, type_="milestone.at_risk", community="north",
               emitted_at=clock.now)  # fmt: skip
    put_notice(store, case_id=CASE, type_="milestone.breached", community="south",
               emitted_at=clock.now)  # fmt: skip
    assert fan_out(store, clock.now) == 2
    assert [d.type for d in deliveries_of(store, breaches)] == ["milestone.breached"]
    assert [d.type for d in deliveries_of(store, north)] == ["milestone.at_risk"]


def test_an_endpoint_gets_no_notice_taken_in_before_it_was_added(store: NoticeStore) -> None:
    clock = Clock()
    put_notice(store, case_id=CASE, emitted_at=clock.now - timedelta(hours=1))
    target = endpoint_at(store, clock, "http://127.0.0.1:9/ok")
    assert fan_out(store, clock.now) == 1
    assert deliveries_of(store, target) == []


def test_fanning_out_a_notice_again_makes_no_second_delivery(store: NoticeStore) -> None:
    """As when two deliverers race: the second's inserts find the deliveries there."""
    clock = Clock()
    target = endpoint_at(store, clock, "http://127.0.0.1:9/ok")
    put_notice(store, case_id=CASE, emitted_at=clock.now)
    assert fan_out(store, clock.now) == 1
    store.execute([("UPDATE nt_outbox SET fanned_out = 0", [()])])
    assert fan_out(store, clock.now) == 1
    assert len(deliveries_of(store, target)) == 1
    assert fan_out(store, clock.now) == 0


def test_a_woken_deliverer_sends_new_notices_at_once_not_at_its_next_poll(
    store: NoticeStore, receiver: Receiver
) -> None:
    clock = Clock()
    endpoint_at(store, clock, receiver.base + "/ok")
    stop = threading.Event()
    with deliverer(store, clock) as sending:
        sending.round()  # nothing yet; the run below then sleeps a minute unless woken
        running = threading.Thread(target=sending.run, args=(stop, 60.0), daemon=True)
        running.start()
        try:
            time.sleep(0.5)  # its first round has found the outbox empty
            put_notice(store, case_id=CASE, emitted_at=clock.now)
            sending.wake.set()  # as the follower in its process does
            deadline = time.monotonic() + 10  # far inside the minute's poll
            while not receiver.to("/ok") and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(receiver.to("/ok")) == 1
        finally:
            stop.set()
            sending.wake.set()
            running.join(timeout=15)
