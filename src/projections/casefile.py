"""The read side's working record of one case, evolved fact by fact.

The live projection, as-of reports and what-if replays all evolve case files
with `evolve`, so they cannot disagree about what a history means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from projections.calendar import BusinessCalendar
from projections.facts import Fact
from projections.milestones import MilestoneClock
from projections.policy import RECEIVED_UNOWNED, MilestoneSpec, Policy
from projections.times import EPOCH
from workflow.events import (
    Amended,
    CallbackRecorded,
    Cancelled,
    Claimed,
    Completed,
    DepositRefunded,
    Dispatched,
    HandedOver,
    Held,
    Invalidated,
    ReporterErased,
    ResolvedAtFirstContact,
    Resumed,
)
from workflow.lifecycles import TERMINAL, TRIGGER_OF_EVENT, next_state
from workflow.vocabulary import CLOSING_OUTCOMES

_TRIGGER = {event.TOPIC: trigger for event, trigger in TRIGGER_OF_EVENT.items()}
_COMPLETING = frozenset({Completed.TOPIC, DepositRefunded.TOPIC, ResolvedAtFirstContact.TOPIC})
_ENDING_CLOCKS = frozenset({Cancelled.TOPIC, Invalidated.TOPIC})
# The topics `evolve` tells apart, bound once: it runs for every event a rebuild reads,
# and a module constant is cheaper to compare with than a class attribute.
_HELD, _RESUMED, _DISPATCHED = Held.TOPIC, Resumed.TOPIC, Dispatched.TOPIC
_HANDED_OVER, _CALLBACK = HandedOver.TOPIC, CallbackRecorded.TOPIC
_RESOLVED, _AMENDED, _CLAIMED = ResolvedAtFirstContact.TOPIC, Amended.TOPIC, Claimed.TOPIC
_REPORTER_ERASED = ReporterErased.TOPIC
_STARTED_AT_RECEIPT = frozenset({"received", RECEIVED_UNOWNED})


@dataclass(slots=True)
class CaseFile:
    case_id: str
    community: str
    kind: str
    priority: str
    category: str
    location: str
    channel: str
    received_by: str | None  # None: received unowned (a self-service request)
    owner: str | None  # None until such a case is claimed
    received_at: datetime
    received_recorded_at: datetime
    state: str = "received"
    held_from: str | None = None
    assignee: str | None = None
    last_occurred_at: datetime | None = None
    version: int = 1
    position: int = 0
    dispatched_elsewhere: bool = False
    callbacks: int = 0  # with an outcome: unreachable attempts are not callbacks
    satisfied: int = 0  # satisfied or basically satisfied
    completed_at: datetime | None = None
    ended_at: datetime | None = None
    milestones: dict[str, MilestoneClock] = field(default_factory=dict)
    # Milestones changed since the read model last wrote them; not stored.
    dirty: set[str] = field(default_factory=set)
    # The version of the community's policy in force at receipt (0: the deployment's): it
    # names the case's milestones. One that started under another is in `versions`.
    policy_version: int = 0
    # None rather than an empty dict: a rebuild holds tens of thousands of case files, and
    # most never have a milestone judged under another version.
    versions: dict[str, int] | None = None
    # The policy's milestones for this kind and priority, each as judged; not stored.
    applicable: tuple[MilestoneSpec, ...] = ()
    # As last corrected, for finding a case by its words. A view rebuilt from the timeline
    # (`projections.asof`), which holds no descriptions, leaves it empty.
    description: str = ""
    # The reporter's record's reference, for finding a resident's cases; None: no reporter,
    # or one whose record was erased (the case is then found by its phone no more).
    reporter_ref: str | None = None
    # Who claimed it, if received unowned. Not stored (the case index has no column for
    # it): the first-contact report, which reads it, evolves its case files from receipt.
    claimed_by: str | None = None

    @property
    def first_contact(self) -> str | None:
        """Its 首问人: its receiver, or whoever claimed it (read back from the case index,
        its owner: handed over since, the case has no other record of the claimer here)."""
        if self.received_by is not None:
            return self.received_by
        return self.claimed_by or self.owner

    @property
    def is_open(self) -> bool:
        return self.state not in TERMINAL

    def specs(self, policy: Policy) -> tuple[MilestoneSpec, ...]:
        if not self.applicable:
            found = policy.version(self.community, self.policy_version).milestones_for(
                self.kind, self.priority, self.received_by is None
            )
            if self.versions:
                found = tuple(self._judged(policy, spec) for spec in found)
            self.applicable = found
        return self.applicable

    def version_of(self, milestone: str) -> int:
        if self.versions is None:
            return self.policy_version
        return self.versions.get(milestone, self.policy_version)

    def _judged(self, policy: Policy, spec: MilestoneSpec) -> MilestoneSpec:
        number = self.version_of(spec.name)
        if number != self.policy_version:
            own = policy.version(self.community, number).milestones_for(
                self.kind, self.priority, self.received_by is None
            )
            for other in own:
                if other.name == spec.name:
                    return other
        return spec

    def started(self, policy: Policy, milestone: str, at: datetime) -> None:
        """A milestone started at `at`: it is judged under the policy in force then, when
        that one has it for this case (otherwise under the one in force at receipt)."""
        chosen, number = policy.in_force(self.community, at)
        if number == self.version_of(milestone):
            return
        specs = chosen.milestones_for(self.kind, self.priority, self.received_by is None)
        if any(s.name == milestone for s in specs):
            self.versions = {**(self.versions or {}), milestone: number}
            self.applicable = ()


def open_case_file(fact: Fact, policy: Policy) -> CaseFile:
    data = fact.data
    case = CaseFile(
        case_id=fact.case_id,
        community=data["community"],
        kind=data["kind"],
        priority=data["priority"],
        category=data["category"],
        location=data["location"],
        channel=data["channel"],
        received_by=data["received_by"],
        owner=data["received_by"],  # None for one received unowned
        received_at=fact.occurred_at,
        received_recorded_at=EPOCH + timedelta(microseconds=fact.recorded_us),
        last_occurred_at=fact.occurred_at,
        version=fact.version,
        position=fact.position,
        description=data.get("description", ""),
        reporter_ref=data.get("reporter_ref"),
    )
    if policy.communities:
        case.policy_version = policy.in_force(case.community, fact.occurred_at)[1]
    case.milestones = {
        spec.name: MilestoneClock(
            spec.name,
            started_at=fact.occurred_at if spec.start in _STARTED_AT_RECEIPT else None,
        )
        for spec in case.specs(policy)
    }
    case.dirty.update(case.milestones)
    return case


def evolve(case: CaseFile, fact: Fact, policy: Policy, calendar: BusinessCalendar) -> None:
    """Apply one later fact (version > 1) of the case. Its next state comes from the
    lifecycle table (`next_state`), as the aggregate's does."""
    topic, at = fact.topic, fact.occurred_at
    specs = case.specs(policy)
    changed = case.dirty
    after = next_state(case.kind, case.state, _TRIGGER[topic], fact.data, case.held_from)
    if topic == _HELD:
        case.held_from = case.state
        for spec in specs:
            if case.milestones[spec.name].on_hold(spec, at):
                changed.add(spec.name)
    elif topic == _RESUMED:
        case.held_from = None
        for spec in specs:
            if case.milestones[spec.name].on_resume(spec, at, calendar):
                changed.add(spec.name)
    elif topic == _DISPATCHED:
        case.assignee = fact.data["assignee"]
        if case.assignee != case.first_contact:
            case.dispatched_elsewhere = True
    elif topic == _HANDED_OVER:
        case.owner = fact.data["to"]
    elif topic == _CLAIMED:
        case.owner = case.claimed_by = fact.actor
    elif topic == _AMENDED:
        if "location" in fact.data:
            case.location = fact.data["location"][1]
        if "category" in fact.data:
            case.category = fact.data["category"][1]
        if "description" in fact.data:
            case.description = fact.data["description"][1]
    elif topic == _REPORTER_ERASED:
        case.reporter_ref = None
    elif topic == _CALLBACK:
        outcome = fact.data["outcome"]
        if outcome != "unreachable":
            case.callbacks += 1
        if outcome in CLOSING_OUTCOMES:
            case.satisfied += 1
    case.state = after
    if topic in _COMPLETING and case.completed_at is None:
        case.completed_at = at
    if after in TERMINAL and case.ended_at is None:
        case.ended_at = at
    if topic == _RESOLVED:
        # Settled at first contact: the clocks of the work it never needed drop out, as a
        # cancelled case's do; the callback's starts by the signal below.
        for name, clock in case.milestones.items():
            if clock.running and clock.on_end():
                changed.add(name)
    signal = fact.signal
    if signal is not None:
        on_hold = after == "on_hold"
        for spec in specs:
            clock = case.milestones[spec.name]
            waiting = clock.started_at is None
            if clock.on_signal(spec, signal, at, on_hold, calendar, fact.late):
                changed.add(spec.name)
                if waiting and policy.communities:
                    case.started(policy, spec.name, at)
    if topic in _ENDING_CLOCKS:
        for name, clock in case.milestones.items():
            if clock.on_end():
                changed.add(name)
    case.version, case.position, case.last_occurred_at = fact.version, fact.position, at
