"""The renovation aggregate alone: review, works and inspections, acceptance, the deposit,
and rework after an unsatisfied callback."""

from __future__ import annotations

from decimal import Decimal

import pytest

from support.case_aggregates import Clock, act, received, refusal, walked
from workflow.errors import InvalidInput
from workflow.events import (
    AcceptanceFailed,
    AcceptancePassed,
    AcceptanceRequested,
    Approved,
    CallbackRecorded,
    DepositRefunded,
    Dispatched,
    Inspected,
    Received,
    Rejected,
)


def test_a_renovation_is_reviewed_approved_inspected_accepted_and_its_deposit_refunded() -> None:
    clock = Clock()
    case = received("renovation", clock)
    act(case, clock, ("dispatch", {"assignee": "rev-sun"}))
    assert case.state == "dispatched"
    act(case, clock, ("approve", {"permit_no": "ZX-2026-001", "deposit": "2000", "fee": "300"}))
    assert (case.state, case.permit_no, case.deposit, case.fee) == (
        "approved",
        "ZX-2026-001",
        Decimal("2000.00"),
        Decimal("300.00"),
    )
    act(case, clock, ("inspect", {"findings": "all in order"}))
    act(case, clock, ("inspect", {"findings": "wall drilled", "violation": "load-bearing wall"}))
    assert (case.state, case.inspections, case.violations) == (
        "approved",
        2,
        ["load-bearing wall"],
    )
    act(case, clock, "request_acceptance")
    assert case.state == "acceptance_requested"
    act(case, clock, ("fail_acceptance", {"reasons": "tiles loose"}))
    assert case.state == "approved"  # back to works
    act(case, clock, "request_acceptance")
    act(case, clock, "pass_acceptance")
    assert case.state == "accepted"
    act(
        case,
        clock,
        ("refund_deposit", {"refunded": "1500", "withheld": "500", "reason": "lift car dented"}),
    )
    refunded = case.pending_events[-1]
    assert isinstance(refunded, DepositRefunded)
    assert (refunded.refunded, refunded.withheld, refunded.reason) == (
        Decimal("1500.00"),
        Decimal("500.00"),
        "lift car dented",
    )
    assert (case.state, case.refunded, case.withheld, case.completed_at) == (
        "completed",
        Decimal("1500.00"),
        Decimal("500.00"),
        refunded.occurred_at,
    )
    act(case, clock, "callback")
    assert case.state == "closed"
    assert [type(e) for e in case.pending_events] == [
        Received,
        Dispatched,
        Approved,
        Inspected,
        Inspected,
        AcceptanceRequested,
        AcceptanceFailed,
        AcceptanceRequested,
        AcceptancePassed,
        DepositRefunded,
        CallbackRecorded,
    ]


def test_an_unsatisfied_callback_sends_a_renovation_to_rework_not_back_to_review() -> None:
    clock = Clock()
    case = walked("renovation", "reopened", clock)
    act(case, clock, ("dispatch", {"assignee": "eng-wang"}))
    assert case.state == "rework"
    act(case, clock, ("dispatch", {"assignee": "eng-li"}))  # reassigned during rework
    assert (case.state, case.assignee, case.assignees) == (
        "rework",
        "eng-li",
        ["eng-wang", "eng-li"],
    )
    act(case, clock, ("complete", {"resolution": "tiles relaid"}))
    assert (case.state, case.resolution) == ("completed", "tiles relaid")
    act(case, clock, "callback")
    assert case.state == "closed"


def test_a_first_dispatch_sends_a_renovation_to_its_reviewer() -> None:
    clock = Clock()
    case = received("renovation", clock)
    act(case, clock, ("dispatch", {"assignee": "rev-sun"}))
    act(case, clock, ("dispatch", {"assignee": "rev-zhou"}))
    assert (case.state, case.assignee, case.dispatch_count) == ("dispatched", "rev-zhou", 2)


@pytest.mark.parametrize("state", ["received", "dispatched", "on_hold"])
def test_a_rejected_renovation_ends_with_the_reasons(state: str) -> None:
    clock = Clock()
    case = walked("renovation", state, clock)
    act(case, clock, ("reject", {"reasons": "structural changes not allowed"}))
    rejected = case.pending_events[-1]
    assert isinstance(rejected, Rejected)
    assert (case.state, case.end_reason, case.ended_at) == (
        "rejected",
        "structural changes not allowed",
        rejected.occurred_at,
    )
    assert not case.is_open


@pytest.mark.parametrize("state", ["received", "dispatched"])
def test_a_renovation_held_for_missing_materials_resumes_its_review(state: str) -> None:
    clock = Clock()
    case = walked("renovation", state, clock)
    act(case, clock, ("hold", {"reason": "floor plan missing"}))
    assert (case.state, case.held_from) == ("on_hold", state)
    act(case, clock, "resume")
    assert case.state == state


def test_an_inspection_during_acceptance_is_recorded_without_leaving_the_state() -> None:
    clock = Clock()
    case = walked("renovation", "acceptance_requested", clock)
    act(case, clock, ("inspect", {"findings": "debris in the stairwell", "violation": "debris"}))
    assert (case.state, case.inspections, case.violations) == (
        "acceptance_requested",
        1,
        ["debris"],
    )


def test_the_refund_and_what_is_withheld_must_add_up_to_the_deposit() -> None:
    clock = Clock()
    case = walked("renovation", "accepted", clock)
    error = refusal(case, "refund_deposit", clock.stamp(), refunded="1500", withheld="0")
    assert isinstance(error, InvalidInput)
    assert error.field == "refunded"
    assert "must equal the deposit 2000.00" in error.problem


def test_withholding_part_of_the_deposit_needs_a_reason() -> None:
    clock = Clock()
    case = walked("renovation", "accepted", clock)
    error = refusal(case, "refund_deposit", clock.stamp(), refunded="1500", withheld="500")
    assert isinstance(error, InvalidInput)
    assert (error.field, error.problem) == ("reason", "must not be empty")
    act(case, clock, ("refund_deposit", {"refunded": "2000", "withheld": "0"}))
    assert (case.state, case.withheld, case.pending_events[-1].reason) == (
        "completed",
        Decimal("0.00"),
        None,
    )
