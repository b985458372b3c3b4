"""`propdesk demo`: a simulated community, written through the real application to SQLite."""

from __future__ import annotations

import io
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import pytest
from rich.console import Console
from typer.testing import CliRunner

from api.cli.demo import DemoResult, run_demo
from api.cli.main import app as cli
from api.config.settings import Settings
from api.simulation.arrivals import SELF_SERVICE_CHANNELS, arrival_times
from api.simulation.catalogue import SETTLED_AT_ONCE, URGE_NOTES
from api.simulation.clock import SHANGHAI, local, period_end
from api.simulation.flows import URGE_AFTER
from api.simulation.simulator import Scenario
from api.simulation.world import DESK_AGENTS, INSPECTORS, leaving_at, on_duty
from api.terminal.progress import catch_up
from api.wiring import open_follower, open_service
from projections.asof import Period
from projections.explanation import explain
from projections.facts import fact_of
from projections.milestones import judge
from projections.reports import judged_by, sla_cases
from workflow.case import Case
from workflow.declared import COMMANDS
from workflow.events import (
    Arrived,
    CaseEvent,
    Claimed,
    Completed,
    HandedOver,
    ResolvedAtFirstContact,
    Urged,
)
from workflow.history import entry_of
from workflow.lifecycles import lifecycle
from workflow.service import CaseService

# A fixed end, so that runs compared with each other never straddle midnight.
END = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)  # 2026-05-05 00:00 in Shanghai

COMMAND_OF = {command.event: command.name for command in COMMANDS}


def demo(db: Path, *, seed: int = 7, households: int = 150, days: int = 5) -> DemoResult:
    scenario = Scenario(households=households, days=days, seed=seed, end=END)
    quiet = Console(file=io.StringIO())
    return run_demo(Settings.load({}, db=str(db)), scenario, console=quiet)


def open_app(db: Path) -> CaseService:
    return open_service(Settings.load({}, db=str(db)))


def stored_events(app: CaseService) -> list[CaseEvent]:
    """Every event in the store, in the order it was written."""
    last = app.recorder.max_notification_id() or 0
    notifications = app.recorder.select_notifications(start=1, limit=last + 1)
    return [cast(CaseEvent, app.mapper.to_domain_event(n)) for n in notifications]


def history_of(db: Path) -> list[tuple[Any, ...]]:
    app = open_app(db)
    try:
        entries = [(e.originator_id, entry_of(e)) for e in stored_events(app)]
    finally:
        app.close()
    return [(i, h.type, h.data, h.occurred_at, h.recorded_at) for i, h in entries]


def by_case(events: list[CaseEvent]) -> dict[UUID, list[CaseEvent]]:
    cases: dict[UUID, list[CaseEvent]] = defaultdict(list)
    for event in events:
        cases[event.originator_id].append(event)
    return cases


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoResult, CaseService]]:
    """A moderate run, big enough that every kind of turn a case can take shows up."""
    db = tmp_path_factory.mktemp("demo") / "month.db"
    result = demo(db, households=600, days=21)
    app = open_app(db)
    yield result, app
    app.close()


def test_the_same_seed_writes_the_same_history(tmp_path: Path) -> None:
    first = history_of(demo(tmp_path / "first.db", seed=11).db)
    second = history_of(demo(tmp_path / "second.db", seed=11).db)
    assert len(first) > 50
    assert first == second


def test_a_different_seed_writes_a_different_history(tmp_path: Path) -> None:
    first = history_of(demo(tmp_path / "first.db", seed=11).db)
    other = history_of(demo(tmp_path / "other.db", seed=12).db)
    assert first != other


def test_every_case_history_is_a_path_through_its_lifecycle(
    month: tuple[DemoResult, CaseService],
) -> None:
    _, app = month
    for events in by_case(stored_events(app)).values():
        for kind, before, command, after in transitions(events):
            assert after in lifecycle(kind).destinations(before, command), (before, command)
        for earlier, later in itertools.pairwise(events):
            assert earlier.occurred_at <= later.occurred_at <= later.timestamp


def transitions(events: list[CaseEvent]) -> Iterator[tuple[str, str, str, str]]:
    """(kind, state before, command, state after) for each event after intake."""
    case = cast(Case, events[0].mutate(None))
    for event in events[1:]:
        before = case.state
        case = cast(Case, event.mutate(case))
        yield case.kind, before, COMMAND_OF[type(event)], case.state


def test_the_summary_counts_what_the_store_holds(month: tuple[DemoResult, CaseService]) -> None:
    result, app = month
    events = stored_events(app)
    assert result.events == app.recorder.max_notification_id() == len(events)
    cases = [app.get(case_id) for case_id in by_case(events)]
    assert result.cases == dict(Counter((case.kind, case.state) for case in cases))
    kinds = Counter(case.kind for case in cases)
    assert kinds["repair"] > kinds["complaint"] > kinds["renovation"] > 0
    handovers = sum(type(e).__name__ == "HandedOver" for e in events)
    assert result.activity["handover"] == handovers


def test_the_mix_includes_every_turn_a_case_can_take(
    month: tuple[DemoResult, CaseService],
) -> None:
    _, app = month
    turns: Counter[str] = Counter()
    for events in by_case(stored_events(app)).values():
        turns.update(turns_of(events))
    for turn in (
        "emergency repair",
        "hold",
        "reassignment",
        "shift-change handover",
        "reopen then rework",
        "cancellation",
        "unreachable callback",
        "late callback",
        "quote accepted",
        "invalid complaint",
        "renovation approved",
        "inspection with a violation",
        "anonymous report",
        "named reporter",
        "resolved at first contact",
        "urge",
    ):
        assert turns[turn] >= 1, turn


def turns_of(events: list[CaseEvent]) -> Iterator[str]:
    received = events[0]
    yield "named reporter" if getattr(received, "reporter_ref", None) else "anonymous report"
    if getattr(received, "priority", None) == "emergency":
        yield "emergency repair"
    completed: datetime | None = None
    work = [e for e in events if type(e).__name__ != "HandedOver"]
    for before, event in itertools.pairwise(work):
        name, data = type(event).__name__, vars(event)
        if name == "Dispatched" and type(before).__name__ == "Dispatched":
            yield "reassignment"
        if name == "Dispatched" and data.get("note", "").startswith(("rework", "reopened")):
            yield "reopen then rework"
        if name in ("Completed", "DepositRefunded"):
            completed = event.occurred_at
        if name == "CallbackRecorded" and data["outcome"] == "unreachable":
            yield "unreachable callback"
        late = completed is not None and event.occurred_at - completed > timedelta(hours=72)
        if name == "CallbackRecorded" and late:
            yield "late callback"
        if name == "QuoteAccepted":
            yield "quote accepted"
        if name == "Inspected" and data["violation"]:
            yield "inspection with a violation"
        turn = {
            "Held": "hold",
            "Cancelled": "cancellation",
            "Invalidated": "invalid complaint",
            "ResolvedAtFirstContact": "resolved at first contact",
            "Urged": "urge",
        }
        if name in turn:
            yield turn[name]
        if name == "Approved":
            yield "renovation approved"
    for event in events:
        if type(event).__name__ == "HandedOver" and vars(event)["reason"] == "shift change":
            yield "shift-change handover"


def test_requests_are_received_by_staff_on_duty_and_handed_over_at_shift_change(
    month: tuple[DemoResult, CaseService],
) -> None:
    _, app = month
    handovers = self_service = 0
    for event in stored_events(app):
        data = vars(event)
        if type(event).__name__ == "Received" and data["received_by"] is None:
            assert data["channel"] in SELF_SERVICE_CHANNELS  # a resident's own request
            self_service += 1
        elif type(event).__name__ == "Received":
            on_shift = INSPECTORS if data["channel"] == "patrol" else on_duty(event.occurred_at)
            assert data["received_by"] in on_shift
        if type(event).__name__ == "Claimed":
            assert event.actor in on_duty(event.occurred_at)
        if type(event).__name__ == "HandedOver":
            handovers += 1
            assert local(event.occurred_at).hour in (0, 8, 16)
            assert data["previous_owner"] in leaving_at(event.occurred_at)
            assert data["to"] in on_duty(event.occurred_at)
    assert handovers > 0
    assert self_service > 0


def test_arrivals_peak_in_the_evening_and_at_weekends() -> None:
    import random

    start = datetime(2026, 3, 2, tzinfo=SHANGHAI)  # a Monday
    times = [
        local(t) for t in arrival_times(5000, start, start + timedelta(days=28), random.Random(1))
    ]
    evening = sum(18 <= t.hour < 22 for t in times) / 4
    night = sum(1 <= t.hour < 5 for t in times) / 4
    weekday = sum(t.weekday() < 5 for t in times) / 20
    weekend = sum(t.weekday() >= 5 for t in times) / 8
    assert evening > 10 * night
    assert weekend > 1.2 * weekday
    assert 0.6 * 5000 < len(times) < 0.8 * 5000  # about 0.7 requests a household a month


def test_the_simulated_period_ends_at_midnight_in_shanghai() -> None:
    assert period_end(date(2026, 5, 5)) == END


def test_the_demo_command_runs_end_to_end_and_can_be_run_again(tmp_path: Path) -> None:
    db = tmp_path / "propdesk.db"
    args = ["demo", "--households", "120", "--days", "3", "--seed", "3", "--db", str(db)]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "cases by kind and state" in first.output
    # It ends by saying how to reach the console and whom to sign in as.
    closing = first.output[first.output.index("the web console") :]
    assert f"serve --db {db}" in closing.replace("\n", "")
    assert "/console/login" in closing
    assert "sup-huang" in closing
    assert "bold]" not in first.output  # the command line's console shows markup as it is
    app = open_app(db)
    written = app.recorder.max_notification_id()
    app.close()
    assert written
    assert f"events written │ {written:,}".replace(" ", "") in first.output.replace(" ", "")

    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert "replaced the earlier demo database" in again.output
    app = open_app(db)
    assert app.recorder.max_notification_id() == written  # replaced, not appended
    app.close()


def test_the_demo_refuses_postgresql() -> None:
    result = CliRunner().invoke(cli, ["demo", "--db", "postgresql://u:secret@localhost/propdesk"])
    assert result.exit_code == 2
    assert "PostgreSQL" in result.output
    assert "secret" not in result.output


def test_the_desk_settles_a_share_of_the_calls_it_can_settle_and_the_report_counts_them(
    month: tuple[DemoResult, CaseService],
) -> None:
    result, app = month
    settleable = {"repair": [0, 0], "complaint": [0, 0]}  # kind -> [settled, could be]
    for events in by_case(stored_events(app)).values():
        received = vars(events[0])
        if received["description"] in SETTLED_AT_ONCE and received["channel"] != "patrol":
            counts = settleable[received["kind"]]
            counts[1] += 1
            if any(isinstance(e, ResolvedAtFirstContact) for e in events):
                counts[0] += 1
                # Settled by who took the call, or for a resident's own request, its claimer.
                owner = received["received_by"] or next(
                    e.actor for e in events if isinstance(e, Claimed)
                )
                resolver = next(e for e in events if isinstance(e, ResolvedAtFirstContact))
                assert resolver.actor == owner
    (repairs, could_repair), (complaints, could_complain) = settleable.values()
    assert 0.5 < repairs / could_repair < 0.9
    assert 0.3 < complaints / could_complain < 0.7
    assert result.activity["resolved at first contact"] == repairs + complaints


def test_residents_kept_waiting_chase_a_share_of_their_cases_and_the_desk_records_it(
    month: tuple[DemoResult, CaseService],
) -> None:
    result, app = month
    cases = by_case(stored_events(app))
    urges = [e for events in cases.values() for e in events if isinstance(e, Urged)]
    assert 0.02 < len(urges) / len(cases) < 0.15
    assert result.activity["urge"] == len(urges)
    assert {urged.actor for urged in urges} <= set(DESK_AGENTS)
    assert {urged.note for urged in urges} <= set(URGE_NOTES)
    for events in cases.values():
        work = [e for e in events if not isinstance(e, HandedOver)]  # at shift change
        for at, event in enumerate(work[:-1]):  # the last: still waiting when the month ends
            if isinstance(event, Urged):
                # While waiting for the engineer to arrive or the department to finish.
                before, after = work[at - 1], work[at + 1]
                assert isinstance(after, Arrived | Completed), type(after)
                assert after.occurred_at - before.occurred_at > URGE_AFTER


def test_every_milestone_explained_totals_to_the_second_what_the_reports_and_read_models_give(
    month: tuple[DemoResult, CaseService],
) -> None:
    """The explanation's days counted less its holds, and its elapsed time, against the
    SLA report's judgement of the same case files at the same instant (every milestone) and
    the SlaFacts read model's stored elapsed time (every stopped one). Compared as floats
    with ==: equal to the last bit, so to the second and finer."""
    result, app = month
    settings = Settings.load({}, db=str(result.db))
    follower = open_follower(settings, settings.policy)
    catch_up(follower)
    moment = datetime.now(UTC)
    policy, calendar = judged_by(follower.current_policy(), moment)
    stored = {
        (str(row["case_id"]), str(row["name"])): row
        for row in follower.store.query(
            "SELECT case_id, name, elapsed_seconds, status FROM rm_milestones", ()
        )
    }
    period = Period(result.start.astimezone(SHANGHAI).date(), END.astimezone(SHANGHAI).date())
    reported = {
        (found.case.case_id, verdict.milestone): judge(
            next(s for s in found.case.specs(policy) if s.name == verdict.milestone),
            found.case.milestones[verdict.milestone],
            moment,
            calendar,
        )
        for found, verdicts in sla_cases(follower.store, policy, calendar, period, moment)
        for verdict in verdicts
    }
    compared = Counter[str]()
    for case_id, events in by_case(stored_events(app)).items():
        facts = [fact_of(event, 0) for event in events]
        for found in explain(facts, policy, calendar, moment):
            key = (str(case_id), found.milestone)
            judged = reported[key]
            assert found.elapsed_seconds == judged.elapsed_seconds, key
            assert found.due_at == judged.due_at, key
            if found.elapsed_seconds is None:
                assert found.status in ("not_started", "excluded"), key
                continue
            assert found.counted_seconds - found.held_seconds == found.elapsed_seconds, key
            if found.stopped_at is not None:
                row = stored[key]
                assert (row["status"], row["elapsed_seconds"]) == (
                    found.status,
                    found.elapsed_seconds,
                ), key
            compared[found.status] += 1
    assert len(reported) == sum(1 for _ in stored)
    assert min(compared[status] for status in ("met", "breached", "paused")) > 0, compared
