"""The application service over a real store: ownership, callbacks, history, as-of, snapshots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from support.driver import receive
from workflow.service import CaseService


def test_the_first_receiver_owns_the_case_and_dispatch_does_not_move_ownership(
    app: CaseService,
) -> None:
    case_id = receive(app, "repair", received_by="desk-zhang")
    app.dispatch(case_id, actor="desk-zhang", assignee="eng-wang")
    app.dispatch(case_id, actor="supervisor", assignee="eng-li")  # reassignment
    case = app.get(case_id)
    assert (case.owner, case.assignee, case.state) == ("desk-zhang", "eng-li", "dispatched")


def test_only_a_recorded_handover_moves_ownership(app: CaseService) -> None:
    case_id = receive(app, "complaint", received_by="desk-zhang")
    app.handover(case_id, actor="desk-zhang", to="desk-li", reason="shift change", note="night")
    assert app.get(case_id).owner == "desk-li"
    last = app.history(case_id)[-1]
    assert last.type == "HandedOver"
    assert last.data == {"previous_owner": "desk-zhang", "to": "desk-li", "reason": "shift change"}
    assert last.note == "night"


def test_a_satisfied_callback_closes_and_an_unsatisfied_one_reopens_for_rework(
    app: CaseService,
) -> None:
    case_id = receive(app, "repair")
    for step in ("dispatch", "sign", "arrive"):
        args = {"assignee": "eng-wang"} if step == "dispatch" else {}
        getattr(app, step)(case_id, actor="a", **args)
    app.complete(case_id, actor="eng-wang", resolution="replaced the valve")
    app.callback(case_id, actor="cs-1", outcome="unreachable")
    assert app.get(case_id).state == "completed"
    assert "callback" in app.get(case_id).allowed_commands()
    app.callback(case_id, actor="cs-1", outcome="unsatisfied", comment="still dripping")
    assert app.get(case_id).state == "reopened"
    app.dispatch(case_id, actor="cs-1", assignee="eng-li")
    app.sign(case_id, actor="eng-li")
    app.arrive(case_id, actor="eng-li")
    app.complete(case_id, actor="eng-li", resolution="new pipe")
    closed = app.callback(case_id, actor="cs-1", outcome="basically_satisfied").case
    assert closed.state == "closed"
    assert closed.callbacks == ["unreachable", "unsatisfied", "basically_satisfied"]
    assert closed.assignees == ["eng-wang", "eng-li"]


def test_paid_work_starts_only_after_the_resident_accepts_the_quote(app: CaseService) -> None:
    case_id = receive(app, "repair")
    app.dispatch(case_id, actor="a", assignee="eng-wang")
    app.sign(case_id, actor="eng-wang")
    app.arrive(case_id, actor="eng-wang")
    quoted = app.quote(case_id, actor="eng-wang", amount="80").case
    assert "complete" not in quoted.allowed_commands()
    accepted = app.accept_quote(case_id, actor="desk-1").case
    assert (accepted.state, accepted.quote_accepted, str(accepted.quoted_amount)) == (
        "on_site",
        True,
        "80.00",
    )
    assert app.complete(case_id, actor="eng-wang", resolution="done").case.state == "completed"


def test_an_invalid_complaint_ends_with_an_explanation(app: CaseService) -> None:
    case_id = receive(app, "complaint")
    app.reply(case_id, actor="cs-1", message="we are looking into it")
    ended = app.invalidate(
        case_id,
        actor="cs-1",
        reason="outside our remit",
        explanation="street lighting belongs to the city; we passed it on",
    ).case
    assert ended.state == "invalid"
    assert not ended.is_open
    assert app.history(case_id)[-1].data["explanation"].startswith("street lighting")


def test_a_renovation_runs_from_review_to_refund_and_callback(app: CaseService) -> None:
    case_id = receive(app, "renovation", details={"contractor": "Acme Decor", "workers": "4"})
    app.dispatch(case_id, actor="desk-1", assignee="reviewer-chen")
    app.hold(case_id, actor="reviewer-chen", reason="drawings missing")
    assert app.resume(case_id, actor="reviewer-chen").case.state == "dispatched"
    app.approve(case_id, actor="reviewer-chen", permit_no="ZX-2026-001", deposit="2000", fee="300")
    app.inspect(case_id, actor="patrol-1", findings="wall removed", violation="load-bearing wall")
    app.request_acceptance(case_id, actor="desk-1")
    app.fail_acceptance(case_id, actor="eng-1", reasons="wall must be restored")
    app.request_acceptance(case_id, actor="desk-1")
    app.pass_acceptance(case_id, actor="eng-1")
    app.refund_deposit(
        case_id, actor="finance-1", refunded="1500", withheld="500", reason="wall restoration"
    )
    case = app.callback(case_id, actor="cs-1", outcome="satisfied").case
    assert case.state == "closed"
    assert case.violations == ["load-bearing wall"]
    assert case.details == {"contractor": "Acme Decor", "workers": "4"}


def test_a_rejected_renovation_ends_in_state_rejected(app: CaseService) -> None:
    case_id = receive(app, "renovation")
    case = app.reject(case_id, actor="reviewer", reasons="no licence for the contractor").case
    assert case.state == "rejected"
    assert case.allowed_commands() == ()


def test_history_lists_every_event_with_who_when_and_what(app: CaseService) -> None:
    happened = datetime.now(UTC) - timedelta(minutes=30)
    case_id = receive(app, "repair", received_at=happened, received_by="desk-zhang")
    app.dispatch(case_id, actor="desk-zhang", assignee="eng-wang", team="engineering")
    entries = app.history(case_id)
    assert [(e.version, e.type, e.actor) for e in entries] == [
        (1, "Received", "desk-zhang"),
        (2, "Dispatched", "desk-zhang"),
    ]
    assert entries[0].occurred_at == happened
    assert entries[0].recorded_at > happened
    assert entries[1].data == {"assignee": "eng-wang", "team": "engineering"}
    assert entries[0].topic == "propdesk.case.received"


def test_as_of_shows_the_case_as_the_system_knew_it_then(tmp_path: object) -> None:
    now = [datetime(2026, 5, 4, 9, 0, tzinfo=UTC)]
    app = CaseService({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=lambda: now[0])
    case_id = receive(app, "repair")
    now[0] += timedelta(minutes=10)
    app.dispatch(case_id, actor="a", assignee="eng-wang")
    now[0] += timedelta(minutes=10)
    app.handover(case_id, actor="a", to="desk-li", reason="shift change")
    then = app.as_of(case_id, datetime(2026, 5, 4, 9, 15, tzinfo=UTC))
    assert (then.state, then.owner, then.version) == ("dispatched", "desk-1", 2)
    assert app.as_of(case_id, "2026-05-04T17:00:00+08:00").owner == "desk-1"
    assert app.as_of(case_id, "2026-05-04T17:30:00+08:00").owner == "desk-li"


def test_long_cases_are_snapshotted_and_load_the_same(app: CaseService) -> None:
    case_id = receive(app, "complaint")
    for n in range(60):
        app.reply(case_id, actor="cs-1", message=f"update {n}")
    assert app.snapshots is not None
    snapshots = list(app.snapshots.get(case_id))
    assert [s.originator_version for s in snapshots] == [50]
    with_snapshot = app.get(case_id)
    replayed = None
    for event in app.repository.event_store.get(case_id):
        replayed = event.mutate(replayed)  # type: ignore[attr-defined]
    assert vars(with_snapshot) == vars(replayed)
    assert with_snapshot.replies == 60
