"""PIPL: erasing a reporter's record is recorded as ReporterErased, in every state of every
kind (ended ones included), with who erased it and why and no personal data; the state and
everything else stay as they were. A case with no reporter, or one erased already, refuses."""

from __future__ import annotations

import pytest

from support.case_aggregates import PATHS, Clock, act, refusal, replayed, walked
from workflow.errors import InvalidInput, NoReporterRecord, ReporterAlreadyErased
from workflow.events import ReporterErased

EVERY_STATE = [(kind, state) for kind, paths in PATHS.items() for state in paths]
REF = "6c1f0a52-reporter"


@pytest.mark.parametrize(("kind", "state"), EVERY_STATE)
def test_an_erasure_is_recorded_in_every_state_and_changes_nothing_else(
    kind: str, state: str
) -> None:
    clock = Clock()
    case = walked(kind, state, clock, reporter_ref=REF)
    kept = {k: v for k, v in vars(case).items() if not k.startswith("_")}
    assert "erase_reporter" in case.allowed_commands()
    act(case, clock, "erase_reporter", actor="admin-wu")
    erased = case.pending_events[-1]
    assert isinstance(erased, ReporterErased)
    assert (erased.actor, erased.reason, erased.reporter_ref, erased.note) == (
        "admin-wu",
        "request",
        REF,
        "",
    )
    assert case.reporter_erased_at == clock.now
    after = {k: v for k, v in vars(case).items() if not k.startswith("_")}
    changed = {k for k in after if after[k] != kept.get(k)}
    assert changed == {"reporter_erased_at", "last_occurred_at"}
    assert case.state == state
    assert "erase_reporter" not in case.allowed_commands()


def test_the_retention_job_records_its_own_reason() -> None:
    clock = Clock()
    case = walked("repair", "closed", clock, reporter_ref=REF)
    case.erase_expired_reporter(clock.stamp("retention"))
    erased = case.pending_events[-1]
    assert isinstance(erased, ReporterErased)
    assert (erased.actor, erased.reason) == ("retention", "retention")


def test_a_second_erasure_is_refused_naming_when_the_first_was() -> None:
    clock = Clock()
    case = walked("complaint", "dispatched", clock, reporter_ref=REF)
    act(case, clock, "erase_reporter", actor="admin-wu")
    first = case.reporter_erased_at
    assert first is not None
    refused = refusal(case, "erase_reporter", clock.stamp("admin-wu"))
    assert isinstance(refused, ReporterAlreadyErased)
    assert first.isoformat() in str(refused)
    refused = refusal(case, "erase_expired_reporter", clock.stamp("retention"))
    assert isinstance(refused, ReporterAlreadyErased)


@pytest.mark.parametrize("state", ["received", "closed"])
def test_a_case_recorded_without_a_reporter_has_nothing_to_erase(state: str) -> None:
    clock = Clock()
    case = walked("repair", state, clock)
    assert "erase_reporter" not in case.allowed_commands()
    refused = refusal(case, "erase_reporter", clock.stamp("admin-wu"))
    assert isinstance(refused, NoReporterRecord)
    assert "recorded without a reporter" in str(refused)


def test_an_erasure_refuses_a_note_which_could_hold_personal_data() -> None:
    clock = Clock()
    case = walked("repair", "dispatched", clock, reporter_ref=REF)
    refused = refusal(case, "erase_reporter", clock.stamp("admin-wu", note="王先生 138..."))
    assert isinstance(refused, InvalidInput)
    assert refused.field == "note"


def test_an_erasure_on_a_case_received_unowned_claims_nothing() -> None:
    clock = Clock()
    case = walked("repair", "received", clock, reporter_ref=REF)
    object.__setattr__(case, "owner", None)  # as a self-service request's stands
    act(case, clock, "erase_reporter", actor="admin-wu")
    assert [type(e).__name__ for e in case.pending_events][-1:] == ["ReporterErased"]
    assert case.owner is None


def test_a_replay_of_the_recorded_events_gives_the_same_erased_case() -> None:
    clock = Clock()
    case = walked("renovation", "approved", clock, reporter_ref=REF)
    act(case, clock, "erase_reporter", actor="admin-wu")
    again = replayed(case.collect_events())
    assert (again.reporter_erased_at, again.state, again.version) == (
        case.reporter_erased_at,
        case.state,
        case.version,
    )
