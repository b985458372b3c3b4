"""Whole lifecycles sent from the console's workbench in Chromium, clicks and typing only,
leave the history the same lifecycle sent through the HTTP API leaves, event type for event
type: a repair from the desk to the engineer's phone and back to the callback queue, a
complaint answered and another judged invalid, a renovation from review to its refund."""

from __future__ import annotations

from playwright.sync_api import expect

from api.console.navigation import PAGES
from support.browser_server import ACCOUNTS, OpenAs, SeededConsole, needs
from support.workbench import (
    PHONE,
    Step,
    api_case,
    event_types,
    read_models_caught_up,
    record_case,
    send,
    state_of,
)

WORKER = ACCOUNTS["worker"].name

REPAIR_AT_THE_DESK: list[Step] = [("dispatch", {"assignee": WORKER})]
REPAIR_ON_SITE: list[Step] = [
    ("sign", {}),
    ("arrive", {}),
    ("quote", {"amount": "180.00"}),
    ("accept_quote", {}),  # the resident agrees, the engineer records it
    ("complete", {"resolution": "replaced the mixer tap"}),
]
CALLBACK: Step = ("callback", {"outcome": "satisfied", "comment": "fixed the same day"})

COMPLAINT: list[Step] = [
    ("reply", {"message": "security will check the barrier tonight"}),
    ("dispatch", {"assignee": "security-team"}),
    ("complete", {"resolution": "the barrier's motor was replaced"}),
    CALLBACK,
]
INVALID_COMPLAINT: list[Step] = [
    (
        "invalidate",
        {"reason": "outside the company's remit", "explanation": "the street is the city's"},
    )
]
RENOVATION: list[Step] = [
    ("hold", {"reason": "contractor's licence missing"}),
    ("resume", {}),
    ("approve", {"permit_no": "ZX-2026-0777", "deposit": "2000.00", "fee": "300.00"}),
    ("inspect", {"findings": "walls opened", "violation": "a load-bearing wall was cut"}),
    ("request_acceptance", {}),
    ("fail_acceptance", {"reasons": "the wall is not restored"}),
    ("request_acceptance", {}),
    ("pass_acceptance", {}),
    ("refund_deposit", {"refunded": "1500.00", "withheld": "500.00", "reason": "wall repair"}),
    CALLBACK,
]


def test_a_repair_from_the_desk_to_the_engineer_s_phone_and_the_callback_queue(
    work_as: OpenAs, workbench: SeededConsole
) -> None:
    for name in ("new", "my", "callbacks"):
        needs(PAGES[name])
    desk = work_as("agent")
    case_id = record_case(desk, "repair", "plumbing", "7-1-701", "the kitchen tap drips")
    for command, fields in REPAIR_AT_THE_DESK:
        send(desk, command, fields)

    phone = work_as("worker")
    phone.set_viewport_size(PHONE)
    read_models_caught_up(workbench)  # the engineer's page lists cases from the read models
    phone.goto("/console/my")
    card = phone.locator(f"li.job[data-case='{case_id}']")
    for command, fields in REPAIR_ON_SITE:
        send(phone, command, fields, within=card)
        assert phone.url.split("?")[0].endswith("/console/my")
    expect(card).to_have_count(0)  # completed: the desk's callback is next, not theirs

    read_models_caught_up(workbench)
    desk.goto("/console/callbacks")
    desk.click(f"a[data-call-back='{case_id}']")
    desk.wait_for_url(f"**/console/cases/{case_id}?act=callback*")
    expect(desk.locator("details.command[data-command=callback]")).to_have_attribute("open", "")
    send(desk, *CALLBACK)
    expect(desk.locator(f"p[data-done=callback][data-case='{case_id}']")).to_be_visible()

    by_api = api_case(workbench, "repair", [*REPAIR_AT_THE_DESK, *REPAIR_ON_SITE, CALLBACK])
    assert event_types(workbench, case_id) == event_types(workbench, by_api)
    assert event_types(workbench, case_id)[-1] == "CallbackRecorded"
    assert state_of(workbench, case_id) == state_of(workbench, by_api) == "closed"


def test_a_complaint_answered_and_closed_and_another_judged_invalid(
    work_as: OpenAs, workbench: SeededConsole
) -> None:
    needs(PAGES["new"])
    desk = work_as("agent")
    answered = record_case(desk, "complaint", "security", "north gate", "the barrier is stuck")
    for command, fields in COMPLAINT:
        send(desk, command, fields)
    invalid = record_case(desk, "complaint", "environment", "Huaihai Road", "street lights off")
    for command, fields in INVALID_COMPLAINT:
        send(desk, command, fields)
    expect(desk.locator("#actions")).to_have_count(0)  # an invalid complaint has ended

    ends = ((answered, COMPLAINT, "closed"), (invalid, INVALID_COMPLAINT, "invalid"))
    for made, steps, end in ends:
        by_api = api_case(workbench, "complaint", steps)
        assert event_types(workbench, made) == event_types(workbench, by_api)
        assert state_of(workbench, made) == state_of(workbench, by_api) == end


def test_a_renovation_from_its_review_to_the_deposit_s_refund_and_the_callback(
    work_as: OpenAs, workbench: SeededConsole
) -> None:
    needs(PAGES["new"])
    desk = work_as("agent")
    case_id = record_case(desk, "renovation", "partial", "5-2-302", "kitchen and bathroom")
    for command, fields in RENOVATION:
        send(desk, command, fields)
    expect(desk.locator("[data-fact=state]")).to_have_text("已关闭")

    by_api = api_case(workbench, "renovation", RENOVATION)
    types = event_types(workbench, case_id)
    assert types == event_types(workbench, by_api)
    assert types.count("AcceptanceRequested") == 2
    assert state_of(workbench, case_id) == state_of(workbench, by_api) == "closed"
