"""Random command sequences through the real application keep every case rule, after every step.

A hypothesis state machine receives cases of every kind (with and without an
idempotency key, retried, and with the key reused for another request), sends
them commands (mostly ones their state allows, at valid times, so that cases
move on; otherwise any command of any kind, at valid or deliberately invalid
times, so that refusals are exercised) and keeps a small model of each case.
After every step, every case is checked against its lifecycle, the store, the
model and its own history.

It runs twice: in memory, and on a real SQLite file read back by a second
application object.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, cast
from uuid import UUID

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from api.config.settings import Settings
from api.wiring import open_service
from projections.casefile import evolve, open_case_file
from projections.facts import fact_of
from projections.policy import load_policy
from support.command_examples import EXAMPLES
from support.driver import ALL_COMMANDS
from workflow.backdating import TRUSTED
from workflow.case import CLAIM_FREE, Case
from workflow.errors import (
    AlreadyOwned,
    DomainError,
    IdempotencyConflict,
    InvalidInput,
    InvalidTime,
    InvalidTransition,
    NoReporterRecord,
    ReporterAlreadyErased,
)
from workflow.events import CaseEvent
from workflow.history import HistoryEntry
from workflow.inputs import CLOCK_SKEW
from workflow.intake import NewRequest, case_id_for
from workflow.lifecycles import lifecycle
from workflow.personal_data import Reporter
from workflow.service import CaseService
from workflow.vocabulary import CATEGORIES, CLOSING_OUTCOMES, PRIORITIES, CallbackOutcome, Kind

SHANGHAI = timezone(timedelta(hours=8))
POLICY = load_policy()  # the default policy: the read side's case files need one
CALENDAR = POLICY.new_calendar()
START = datetime(2026, 5, 4, 9, 30, tzinfo=SHANGHAI)
CENT = Decimal("0.01")
Instant = datetime | str  # what `at` may be

MAX_CASES = 2  # few cases, so that each one gets far along its lifecycle
STAFF = ("desk-zhang", "desk-li", "desk-chen")  # receivers and handover targets
ACTOR = "agent-1"  # who sends every command, and claims a case received unowned
CHANNEL = "wechat-mini"  # who records a self-service request


def recorder(request: NewRequest) -> str | None:
    """Intake's actor: the channel, for a request received by no one."""
    return CHANNEL if request.received_by is None else None


WORKERS = ("eng-wang", "eng-zhao", "eng-sun")  # dispatch targets
CHANNELS = ("phone", "wechat")
KEYS = ("retry-1", "retry-2", "retry-3")  # few, so that keys are used again
OUTCOMES = tuple(outcome.value for outcome in CallbackOutcome)
RESIDENT = Reporter("Wang Fang", "13800000000")
# The service's own late-entry rule applies: beyond its tolerance a time needs a reason.
LATE_REASON = "copied from the paper log"
ELAPSED = st.sampled_from((timedelta(0), timedelta(minutes=1))) | st.timedeltas(
    min_value=timedelta(0), max_value=timedelta(hours=6)
)

# Allowed, but they end a case early or leave its state as it is.
SIDE_STEPS = frozenset(
    {
        "cancel", "invalidate", "reject", "hold", "handover", "inspect", "reply", "urge",
        "amend", "claim", "erase_reporter",
    }
)  # fmt: skip


class ManualClock:
    """The service's clock, moved only by the test: times are deterministic."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@dataclass
class CaseModel:
    """What the test expects of one case, kept apart from the application."""

    kind: str
    owner: str | None  # None: received unowned (self-service), not claimed yet
    last_at: datetime
    location: str
    category: str
    description: str
    state: str = "received"
    events: int = 1
    assignee: str | None = None
    held_from: str | None = None
    deposit: Decimal | None = None
    reporter: bool = False  # the request named its reporter, whose record is kept
    erased: bool = False  # that record was erased (PIPL)


@dataclass(frozen=True)
class Observed:
    """One case as the store gives it back: loaded, its history, its raw events."""

    case: Case
    history: list[HistoryEntry]
    events: list[CaseEvent]


# -- what a command expects ---------------------------------------------------------------


def arguments(command: str, model: CaseModel) -> st.SearchStrategy[dict[str, Any]]:
    """Arguments a caller would send; `refused_field` names the few that are refused."""
    if command == "refund_deposit":
        deposit = model.deposit if model.deposit is not None else Decimal("0.00")

        def split(percent: int) -> dict[str, Any]:
            kept = (deposit * percent / 100).quantize(CENT)
            why = "damaged the corridor wall" if kept else None
            return {"refunded": str(deposit - kept), "withheld": str(kept), "reason": why}

        wrong_sum = {"refunded": str(deposit + 1), "withheld": "0", "reason": None}
        return st.integers(0, 100).map(split) | st.just(wrong_sum)
    return fixed_arguments(command)


@cache
def fixed_arguments(command: str) -> st.SearchStrategy[dict[str, Any]]:
    """Arguments of the commands whose arguments do not depend on the case."""
    if command == "dispatch":
        return st.fixed_dictionaries(
            {"assignee": st.sampled_from(WORKERS), "team": st.sampled_from((None, "engineering"))}
        )
    if command == "handover":
        return st.fixed_dictionaries({"to": st.sampled_from(STAFF), "reason": st.just("shift")})
    if command == "amend":  # the intake's own values among them: not a correction
        return st.fixed_dictionaries(
            {
                "location": st.sampled_from(("3-2-1201", "9-9-901")),
                "description": st.sampled_from((None, "water leaking", "the kitchen tap")),
                "reason": st.just("wrong unit taken down"),
            }
        )
    if command == "quote":
        return st.fixed_dictionaries({"amount": st.sampled_from(("80", "120.50", "0"))})
    if command == "callback":
        return st.fixed_dictionaries(
            {"outcome": st.sampled_from(OUTCOMES), "comment": st.sampled_from((None, "thanks"))}
        )
    if command == "approve":
        return st.fixed_dictionaries(
            {
                "permit_no": st.just("P-2026-001"),
                "deposit": st.integers(0, 5000).map(str),
                "fee": st.sampled_from(("0", "300")),
            }
        )
    if command == "inspect":
        return st.fixed_dictionaries(
            {
                "findings": st.just("works in progress"),
                "violation": st.sampled_from((None, "blocked the fire escape")),
            }
        )
    return st.just(EXAMPLES[command]).map(dict)


def refused_field(command: str, args: dict[str, Any], model: CaseModel) -> str | None:
    """The field an allowed command's arguments are refused for, if any."""
    if command == "dispatch" and model.state in ("dispatched", "rework"):
        return "assignee" if args["assignee"] == model.assignee else None
    if command == "handover":
        # A case no one owns is claimed by the sender first, who then owns it.
        return "to" if args["to"] == (model.owner or ACTOR) else None
    if command == "amend":
        same = args["location"] == model.location
        return "location" if same and args["description"] in (None, model.description) else None
    if command == "quote":
        return "amount" if Decimal(args["amount"]) <= 0 else None
    if command == "refund_deposit":
        total = Decimal(args["refunded"]) + Decimal(args["withheld"])
        return "refunded" if total != (model.deposit or Decimal("0.00")) else None
    return None


def next_state(model: CaseModel, command: str, args: dict[str, Any]) -> str:
    """Where an accepted command takes the case, by the lifecycle table and the domain."""
    if command == "callback":
        if args["outcome"] in CLOSING_OUTCOMES:
            return "closed"
        return "reopened" if args["outcome"] == "unsatisfied" else model.state
    if command == "resume":
        assert model.held_from is not None, "the model resumes only a held case"
        return model.held_from
    destinations = set(lifecycle(model.kind).destinations(model.state, command))
    assert len(destinations) == 1, f"{command} from {model.state} is not deterministic"
    return destinations.pop()


def onward(model: CaseModel) -> list[str]:
    """The allowed commands that move the case along its spine (all allowed if none do)."""
    allowed = lifecycle(model.kind).allowed(model.state)
    forward = [
        command
        for command in allowed
        if command not in SIDE_STEPS
        and not (command == "dispatch" and model.state not in ("received", "reopened"))
    ]
    return forward or list(allowed)


VALID_TIMES = ("now", "past", "past, as text")
INVALID_TIMES = ("before the last event", "in the future", "without an offset")
MICROSECONDS = st.integers(1, 10**10)


def late_reasons(expected_at: datetime | None, now: datetime) -> st.SearchStrategy[str | None]:
    """A reason when the occurrence time expected lies beyond the tolerance; sometimes one
    sooner (kept as given)."""
    if expected_at is not None and now - expected_at > TRUSTED.tolerance:
        return st.just(LATE_REASON)
    return st.sampled_from((None, None, "typed in after the call"))


def draw_time(
    data: st.DataObject, model: CaseModel, now: datetime, *, invalid: bool
) -> tuple[Instant | None, datetime | None]:
    """(`at` to send, the occurrence time expected), None expected for an invalid time.

    Valid: now (None), or between the case's last event and now, as a time or an
    ISO string. Invalid, only when asked: before the last event, in the future
    beyond the allowed clock skew, or without a UTC offset.
    """
    span = (now - model.last_at) // timedelta(microseconds=1)
    assert span >= 0, "the model keeps occurrence times not in the future"
    choices = VALID_TIMES + INVALID_TIMES if invalid else VALID_TIMES
    how = data.draw(st.sampled_from(choices), label="at")
    if how == "now":
        return None, now
    if how in ("past", "past, as text"):
        at = now - timedelta(microseconds=data.draw(st.integers(0, span), label="before now"))
        return (at if how == "past" else at.astimezone(UTC).isoformat()), at
    if how == "before the last event":
        return model.last_at - timedelta(microseconds=data.draw(MICROSECONDS)), None
    if how == "in the future":
        return now + CLOCK_SKEW + timedelta(microseconds=data.draw(MICROSECONDS)), None
    return now.replace(tzinfo=None), None


def intake_times(
    now: datetime, *, invalid: bool
) -> st.SearchStrategy[tuple[datetime | None, datetime | None]]:
    """(`received_at`, the occurrence time expected), None expected for an invalid time."""
    past = st.integers(0, 2 * 86_400 * 10**6).map(lambda us: now - timedelta(microseconds=us))
    valid = st.just((None, now)) | past.map(lambda at: (at, at))
    if not invalid:
        return valid
    future = st.integers(1, 10**10).map(lambda us: now + CLOCK_SKEW + timedelta(microseconds=us))
    return valid | future.map(lambda at: (at, None))


@st.composite
def new_requests(
    draw: st.DrawFn, now: datetime, *, invalid: bool = True
) -> tuple[NewRequest, datetime | None]:
    """A new request of any kind, and the occurrence time expected (None: refused)."""
    kind = draw(st.sampled_from(list(Kind)))
    received_at, expected_at = draw(intake_times(now, invalid=invalid))
    request = NewRequest(
        kind=kind.value,
        channel=draw(st.sampled_from(CHANNELS)),
        location=draw(st.sampled_from(("3-2-1201", "garage level B2"))),
        category=draw(st.sampled_from(CATEGORIES[kind])),
        priority=draw(st.sampled_from(PRIORITIES[kind])),
        description=draw(st.sampled_from(("water leaking", "noise at night", "new kitchen"))),
        received_by=draw(st.sampled_from((*STAFF, None))),  # None: self-service
        reporter=draw(st.sampled_from((None, RESIDENT))),
        received_at=received_at,
        idempotency_key=draw(st.none() | st.sampled_from(KEYS)),
        late_reason=draw(late_reasons(expected_at, now)),
    )
    return request, expected_at


def replayed(events: list[CaseEvent]) -> Case:
    """The case rebuilt from its stored events alone, applied in order."""
    case: Case | None = None
    for stored in events:
        case = stored.mutate(case)
    assert case is not None, "a case has at least its Received event"
    return case


# -- the machine ----------------------------------------------------------------------------


class CaseRules(RuleBasedStateMachine):
    """The rules, written once; `backend` chooses the store."""

    backend: ClassVar[str] = "memory"

    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(START)
        self.models: dict[UUID, CaseModel] = {}
        self.keyed: dict[tuple[str, str], tuple[NewRequest, UUID]] = {}
        self.step = 0
        self.seen: tuple[int, dict[UUID, Observed]] = (-1, {})
        self.directory: str | None = None
        self.reader: CaseService | None = None
        if self.backend == "sqlite":
            self.directory = tempfile.mkdtemp(prefix="propdesk-stateful-")
            store = Settings.load({}, db=str(Path(self.directory) / "propdesk.db"))
            self.app = open_service(store, clock=self.clock)
            self.reader = open_service(store)  # a second application object on the same file
        else:
            self.app = CaseService({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=self.clock)

    def teardown(self) -> None:
        self.app.close()
        if self.reader is not None:
            self.reader.close()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)

    # -- helpers --------------------------------------------------------------------------

    def position(self) -> int | None:
        return self.app.recorder.max_notification_id()

    def observed(self) -> dict[UUID, Observed]:
        """Every case loaded afresh from the store, once per step (the invariants share it)."""
        step, cases = self.seen
        if step != self.step:
            cases = {
                case_id: Observed(
                    self.app.get(case_id),
                    self.app.history(case_id),
                    [cast(CaseEvent, e) for e in self.app.repository.event_store.get(case_id)],
                )
                for case_id in self.models
            }
            self.seen = (self.step, cases)
        return cases

    def expect_nothing_written(self, position: int | None, case: Case | None) -> None:
        assert self.position() == position, "a refused request wrote events"
        if case is not None:
            after = self.app.get(case.id)
            assert after.version == case.version, "a refused command moved the version"
            assert vars(after) == vars(case), "a refused command changed the case"

    def assert_retry_returns_the_case(self, request: NewRequest, case_id: UUID) -> None:
        before = self.position()
        stored = self.app.get(case_id)
        result = self.app.receive(request, actor=recorder(request))
        assert result.case.id == case_id, "a retried intake made another case"
        assert not result.created
        assert result.position is None
        assert vars(result.case) == vars(stored)
        self.expect_nothing_written(before, stored)

    # -- rules ----------------------------------------------------------------------------

    @initialize(target=cases, data=st.data())
    def first_intake(self, data: st.DataObject) -> Any:
        """A first case, so that commands can be sent from the first step."""
        self.step += 1
        request, expected_at = data.draw(new_requests(self.clock.now, invalid=False))
        return self.receive_new(request, expected_at)

    @precondition(lambda self: len(self.models) < MAX_CASES)
    @rule(target=cases, data=st.data())
    def intake(self, data: st.DataObject) -> Any:
        """A new request of any kind, with or without a key (which may have been used)."""
        self.step += 1
        request, expected_at = data.draw(new_requests(self.clock.now), label="request")
        return self.receive_new(request, expected_at)

    def receive_new(self, request: NewRequest, expected_at: datetime | None) -> Any:
        """Receive the request; a new case, the same one again, or a refusal, as expected."""
        key = request.idempotency_key
        used = self.keyed.get((request.channel, key)) if key is not None else None
        before = self.position()
        if used is not None and used[0] == request:
            event("intake: retried")
            self.assert_retry_returns_the_case(request, used[1])
            return multiple()
        if used is not None:
            event("intake: key reused for another request")
            with pytest.raises(IdempotencyConflict):
                self.app.receive(request, actor=recorder(request))
            self.expect_nothing_written(before, None)
            return multiple()
        if expected_at is None:
            event("intake: refused, received in the future")
            with pytest.raises(InvalidTime):
                self.app.receive(request, actor=recorder(request))
            self.expect_nothing_written(before, None)
            return multiple()

        event("intake: new" + (" with a key" if key else ""))
        result = self.app.receive(request, actor=recorder(request))
        case = result.case
        assert result.created
        assert result.position is not None
        assert result.position == self.position()
        assert before is None or result.position > before
        assert (case.kind, case.state, case.version) == (request.kind, "received", 1)
        assert (case.received_by, case.owner) == (request.received_by, request.received_by)
        assert case.last_occurred_at == expected_at
        assert result.events[0].late_reason == request.late_reason
        if key is not None:
            assert case.id == case_id_for(request.channel, key)
            self.keyed[(request.channel, key)] = (request, case.id)
        if request.reporter is None:
            assert case.reporter_ref is None
        else:
            assert case.reporter_ref is not None
            assert self.app.reporters.get(case.reporter_ref) == request.reporter
            assert request.reporter.name not in repr(self.app.history(case.id)), (
                "personal data reached the event history"
            )
        self.models[case.id] = CaseModel(
            kind=request.kind,
            owner=request.received_by,
            last_at=expected_at,
            location=request.location,
            category=request.category,
            description=request.description,
            reporter=request.reporter is not None,
        )
        return case.id

    @precondition(lambda self: bool(self.keyed))
    @rule(data=st.data(), same=st.booleans())
    def send_a_used_key_again(self, data: st.DataObject, same: bool) -> None:
        """The same request again (a retry), or another request under the same key."""
        self.step += 1
        used = sorted(self.keyed.values(), key=str)
        request, case_id = data.draw(st.sampled_from(used), label="used key")
        if same:
            event("intake: retried")
            self.assert_retry_returns_the_case(request, case_id)
            return
        event("intake: key reused for another request")
        other = replace(request, description=request.description + ", and the lift is broken")
        before = self.position()
        stored = self.app.get(case_id)
        with pytest.raises(IdempotencyConflict):
            self.app.receive(other, actor=recorder(other))
        self.expect_nothing_written(before, stored)

    @rule(case_id=cases, data=st.data())
    def send_a_command(self, case_id: UUID, data: st.DataObject) -> None:
        """Time passes. Then mostly a command the state allows, at a valid time (cases move
        on); otherwise any command of any kind at a valid or an invalid time (refusals)."""
        self.step += 1
        self.clock.now += data.draw(ELAPSED, label="time passes")
        model = self.models[case_id]
        allowed = lifecycle(model.kind).allowed(model.state)
        anything = not allowed or data.draw(st.integers(0, 3), label="any command?") == 0
        if anything:
            commands = st.sampled_from(ALL_COMMANDS)
        else:
            forward = st.sampled_from(onward(model))
            commands = forward | forward | st.sampled_from(allowed)
        command = data.draw(commands, label="command")
        args = data.draw(arguments(command, model), label="arguments")
        at, expected_at = draw_time(data, model, self.clock.now, invalid=anything)
        late_reason = data.draw(late_reasons(expected_at, self.clock.now), label="late reason")
        self.attempt(case_id, command, args, at, expected_at, late_reason)

    def attempt(
        self,
        case_id: UUID,
        command: str,
        args: dict[str, Any],
        at: Instant | None,
        expected_at: datetime | None,
        late_reason: str | None,
    ) -> None:
        """Send the command; it is applied or refused exactly as the model expects."""
        model = self.models[case_id]
        before_case = self.app.get(case_id)
        before = self.position()
        send = getattr(self.app, command)
        expected: type[DomainError] | None = None
        if command == "claim" and model.owner is not None:
            expected = AlreadyOwned
        elif command not in lifecycle(model.kind).allowed(model.state):
            expected = InvalidTransition
        elif command == "erase_reporter" and not model.reporter:
            expected = NoReporterRecord
        elif command == "erase_reporter" and model.erased:
            expected = ReporterAlreadyErased
        elif (refused_for := refused_field(command, args, model)) is not None:
            expected = InvalidInput
        elif expected_at is None:
            expected = InvalidTime

        if expected is not None:
            event(f"command refused: {expected.__name__}")
            with pytest.raises(expected) as refused:
                send(case_id, actor=ACTOR, at=at, late_reason=late_reason, **args)
            error = refused.value
            if isinstance(error, InvalidTransition):
                assert (error.state, error.command) == (model.state, command)
            elif expected is InvalidInput:
                assert type(error) is InvalidInput
                assert error.field == refused_for
            elif expected in (NoReporterRecord, ReporterAlreadyErased):
                assert error.case_id == case_id  # type: ignore[attr-defined]
            else:
                assert isinstance(error, InvalidTime)
                assert error.field == "at"
            self.expect_nothing_written(before, before_case)
            return

        assert expected_at is not None
        result = send(case_id, actor=ACTOR, at=at, late_reason=late_reason, **args)
        # A command on a case no one owns records its sender's claim first, in the same save.
        claims = model.owner is None and command not in CLAIM_FREE
        if claims:
            event(f"claimed by {command}")
            assert type(result.events[0]).__name__ == "Claimed"
            model.owner = ACTOR
        assert result.events[-1].late_reason == late_reason
        case: Case = result.case
        assert result.position is not None
        assert result.position == self.position()
        assert before is None or result.position > before
        assert case.version == before_case.version + 1 + claims
        assert vars(case) == vars(self.app.get(case_id)), "the store gives back another case"

        state = next_state(model, command, args)
        if command == "hold":
            model.held_from = model.state
        elif command == "resume":
            model.held_from = None
        elif command == "dispatch":
            model.assignee = args["assignee"]
        elif command == "handover":
            model.owner = args["to"]
        elif command == "claim":
            model.owner = ACTOR
        elif command == "amend":
            model.location = args["location"]
            model.description = args["description"] or model.description
        elif command == "approve":
            model.deposit = Decimal(args["deposit"]).quantize(CENT)
        elif command == "erase_reporter":
            model.erased = True
            assert case.reporter_ref is not None
            assert self.app.reporters.get(case.reporter_ref) is None
        model.state = state
        model.events += 1 + claims
        model.last_at = expected_at
        event(f"reached: {model.kind} {state}")

    # -- invariants: after every step, for every case ---------------------------------------

    @invariant()
    def every_case_is_in_a_state_of_its_lifecycle(self) -> None:
        for case_id, seen in self.observed().items():
            assert seen.case.kind == self.models[case_id].kind
            assert seen.case.state in lifecycle(seen.case.kind).states, seen.case.state

    @invariant()
    def every_case_reloads_equal_from_the_store(self) -> None:
        for case_id, seen in self.observed().items():
            loaded = vars(seen.case)
            assert vars(replayed(seen.events)) == loaded, "replaying the events gives another case"
            if self.reader is not None:
                again = vars(self.reader.get(case_id))
                assert again == loaded, "a second application object loads another case"

    @invariant()
    def the_read_sides_case_file_agrees_with_the_aggregate(self) -> None:
        """Both take each event's next state from the lifecycle table: they never disagree."""
        for seen in self.observed().values():
            facts = [fact_of(event, position) for position, event in enumerate(seen.events)]
            file = open_case_file(facts[0], POLICY)
            for fact in facts[1:]:
                evolve(file, fact, POLICY, CALENDAR)
            case = seen.case
            assert (file.state, file.held_from, file.owner, file.assignee, file.ended_at) == (
                case.state,
                case.held_from,
                case.owner,
                case.assignee,
                case.ended_at,
            )
            assert (file.location, file.category) == (case.location, case.category)

    @invariant()
    def every_case_matches_the_model(self) -> None:
        for case_id, seen in self.observed().items():
            model, case = self.models[case_id], seen.case
            assert (case.state, case.owner, case.version) == (
                model.state,
                model.owner,
                model.events,
            )
            assert (case.location, case.category, case.description) == (
                model.location,
                model.category,
                model.description,
            )
            assert case.last_occurred_at == model.last_at

    @invariant()
    def a_case_is_closed_only_after_a_satisfied_callback(self) -> None:
        for seen in self.observed().values():
            # An erasure of the reporter's record may follow in any state, changing none.
            history = [e for e in seen.history if e.type != "ReporterErased"]
            if seen.case.state == "closed":
                last = history[-1]
                assert last.type == "CallbackRecorded", f"closed by {last.type}"
                assert last.data["outcome"] in CLOSING_OUTCOMES, "closed by an unhappy callback"
            for entry in history:
                if entry.type == "CallbackRecorded" and entry.data["outcome"] in CLOSING_OUTCOMES:
                    assert entry is history[-1], "the case went on after a satisfied callback"
                    assert seen.case.state == "closed", "a satisfied callback did not close it"

    @invariant()
    def the_owner_changes_only_by_handover(self) -> None:
        for case_id, seen in self.observed().items():
            owner = seen.history[0].data["received_by"]
            for entry in seen.history[1:]:
                if entry.type == "Claimed":  # only a case received unowned, once
                    assert owner is None
                    owner = entry.actor
                if entry.type == "HandedOver":
                    assert entry.data["previous_owner"] == owner
                    owner = entry.data["to"]
            assert seen.case.owner == owner == self.models[case_id].owner

    @invariant()
    def occurrence_times_never_decrease(self) -> None:
        for case_id, seen in self.observed().items():
            times = [entry.occurred_at for entry in seen.history]
            assert times == sorted(times), "occurrence times went backwards"
            assert times[-1] == self.models[case_id].last_at
            for entry in seen.history:
                assert entry.occurred_at <= entry.recorded_at + CLOCK_SKEW, "in the future"

    @invariant()
    def the_version_equals_the_number_of_events(self) -> None:
        for case_id, seen in self.observed().items():
            history = seen.history
            assert seen.case.version == len(history) == self.models[case_id].events
            assert [entry.version for entry in history] == list(range(1, len(history) + 1))


class CaseRulesInMemory(CaseRules):
    backend = "memory"


class CaseRulesOnSQLite(CaseRules):
    backend = "sqlite"


TestCaseRulesHoldInMemory = CaseRulesInMemory.TestCase
TestCaseRulesHoldInMemory.settings = settings(
    max_examples=40,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

TestCaseRulesHoldOnSQLite = CaseRulesOnSQLite.TestCase
TestCaseRulesHoldOnSQLite.settings = settings(
    max_examples=12,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
