"""The case aggregate: one service request, its state owned here.

Each command validates, then records exactly one event; applying the event
changes the case (`advance`): its fields by the event, its state by the lifecycle
table. Replaying the events rebuilds the case without validation. The commands of
one kind's own work are in `workflow.kind_commands`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.domain import Snapshot as LibrarySnapshot
from eventsourcing.utils import register_topic

from workflow import events as ev
from workflow import inputs, labels
from workflow.amending import corrections
from workflow.communities import DEFAULT_COMMUNITY
from workflow.errors import (
    AlreadyOwned,
    InvalidInput,
    InvalidTransition,
    NoReporterRecord,
    ReporterAlreadyErased,
)
from workflow.kind_commands import ComplaintWork, RenovationWork, RepairWork
from workflow.lifecycles import TERMINAL, TRIGGER_OF_EVENT, Lifecycle, lifecycle, next_state
from workflow.stamp import Stamp
from workflow.vocabulary import ErasureReason

__all__ = ["CLAIM_FREE", "Case", "Stamp"]

# The commands that leave a case received unowned unclaimed: `claim` records the claim
# itself, an urge (催办) records the resident chasing it, which takes no one's work up, and
# an erasure of the reporter's record is an administrator's, not the desk's work.
CLAIM_FREE = frozenset({"claim", "urge", "erase_reporter"})


class Case(Aggregate, RepairWork, ComplaintWork, RenovationWork):
    TOPIC = "propdesk.case"
    # The events live in workflow.events; naming them here stops the library
    # from deriving event classes of its own.
    Event = ev.CaseEvent
    Created = ev.Received
    # Snapshots' version: 2 added `urges` (docs/upcasting.md); 3 `community`; 4 the claim;
    # 5 `reporter_erased_at`.
    class_version = 5

    class Snapshot(LibrarySnapshot):
        TOPIC = "propdesk.case.snapshot"

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A snapshot taken before urges were recorded: none had been."""
        state["urges"] = 0

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """A snapshot taken before cases had communities: the case is the default's."""
        state["community"] = DEFAULT_COMMUNITY

    @staticmethod
    def upcast_v3_v4(state: dict[str, Any]) -> None:
        """A snapshot taken before self-service requests: every case had a receiver, and
        none was claimed."""
        state["claimed_by"] = None
        state["claimed_at"] = None

    @staticmethod
    def upcast_v4_v5(state: dict[str, Any]) -> None:
        """A snapshot taken before reporters' records were erased: none had been."""
        state["reporter_erased_at"] = None

    # Declared for the type checker only: the library would turn class-level
    # annotations into constructor arguments.
    if TYPE_CHECKING:
        community: str
        kind: str
        channel: str
        location: str
        area: str
        category: str
        priority: str
        description: str
        reporter_ref: str | None
        details: dict[str, str]
        fingerprint: str
        received_by: str | None  # None: received unowned (self-service)
        received_at: datetime
        owner: str | None  # None until a staff member claims a case received unowned
        state: str
        last_occurred_at: datetime

    def start_tracking(self) -> None:
        self.assignee: str | None = None
        self.team: str | None = None
        self.assignees: list[str] = []
        self.dispatch_count = 0
        self.held_from: str | None = None
        self.hold_reason: str | None = None
        self.replies = 0
        self.first_reply_at: datetime | None = None
        self.quoted_amount: Decimal | None = None
        self.quote_accepted = False
        self.resolution: str | None = None
        self.completed_at: datetime | None = None
        self.callbacks: list[str] = []
        self.handovers = 0
        self.urges = 0
        self.claimed_by: str | None = None  # who claimed it, if it was received unowned
        self.claimed_at: datetime | None = None
        # When its reporter's record was erased (ReporterErased); None while it is kept.
        self.reporter_erased_at: datetime | None = None
        self.permit_no: str | None = None
        self.deposit: Decimal | None = None
        self.fee: Decimal | None = None
        self.inspections = 0
        self.violations: list[str] = []
        self.refunded: Decimal | None = None
        self.withheld: Decimal | None = None
        self.end_reason: str | None = None
        self.ended_at: datetime | None = None

    # -- creation -------------------------------------------------------------

    @classmethod
    def receive(cls, case_id: UUID, stamp: Stamp, **fields: Any) -> Case:
        """Intake. `fields` are already validated by the application service."""
        at, late_reason = stamp.occurrence(not_before=None)
        return cls._create(
            ev.Received,
            id=case_id,
            timestamp=stamp.now,
            actor=labels.name("actor", stamp.actor),
            occurred_at=at,
            note=inputs.free_text("note", stamp.note, limit=inputs.LONG_TEXT, required=False),
            late_reason=late_reason,
            **fields,
        )

    # -- the lifecycle --------------------------------------------------------

    @property
    def lifecycle(self) -> Lifecycle:
        return lifecycle(self.kind)

    @property
    def is_open(self) -> bool:
        return self.lifecycle.is_open(self.state)

    def allowed_commands(self) -> tuple[str, ...]:
        """The state's commands; `claim` only while no one owns the case, `erase_reporter`
        only while it has a reporter's record that was not erased."""
        allowed = self.lifecycle.allowed(self.state)
        left_out = set()
        if self.owner is not None:
            left_out.add("claim")
        if self.reporter_ref is None or self.reporter_erased_at is not None:
            left_out.add("erase_reporter")
        return tuple(c for c in allowed if c not in left_out) if left_out else allowed

    def check(self, command: str) -> None:
        """Refuses a command the case's state does not allow, naming those it does."""
        if not self.lifecycle.destinations(self.state, command):
            raise InvalidTransition(self.kind, self.state, command, self.allowed_commands())

    def advance(self, event: ev.CaseEvent) -> None:
        """Apply one fact: the event changes the case's fields, the lifecycle table gives
        its next state (`next_state`), and reaching an end state records when it ended."""
        self.last_occurred_at = event.occurred_at
        trigger = TRIGGER_OF_EVENT.get(type(event))
        if trigger is None:  # Received: it opens the case
            event.evolve(self)
            return
        before = self.state
        after = next_state(self.kind, before, trigger, vars(event), self.held_from)
        event.evolve(self)
        self.state = after
        if after in TERMINAL and before not in TERMINAL:
            self.ended_at = event.occurred_at

    def _record(
        self, command: str, event_class: type[ev.CaseEvent], stamp: Stamp, **fields: Any
    ) -> None:
        self.check(command)
        actor = labels.name("actor", stamp.actor)
        note = inputs.free_text("note", stamp.note, limit=inputs.LONG_TEXT, required=False)
        at, late_reason = stamp.occurrence(not_before=self.last_occurred_at)
        when = {"timestamp": stamp.now, "actor": actor, "occurred_at": at}
        if self.owner is None and command not in CLAIM_FREE:
            # 首问负责制: whoever first acts on a case received unowned owns it, and that is
            # a fact of its own, recorded first and saved with the command's.
            self.trigger_event(ev.Claimed, note="", late_reason=late_reason, **when)
        self.trigger_event(event_class, note=note, late_reason=late_reason, **when, **fields)

    # -- commands on every kind ------------------------------------------------

    def dispatch(self, stamp: Stamp, assignee: str, team: str | None = None) -> None:
        self.check("dispatch")
        who = labels.name("assignee", assignee)
        if self.state in ("dispatched", "rework") and who == self.assignee:
            raise InvalidInput(
                "assignee", f"the case is already dispatched to {who!r}; name another to reassign"
            )
        self._record(
            "dispatch",
            ev.Dispatched,
            stamp,
            assignee=who,
            team=labels.team(team),
        )

    def hold(self, stamp: Stamp, reason: str) -> None:
        self.check("hold")  # the state first, then fields
        self._record("hold", ev.Held, stamp, reason=inputs.free_text("reason", reason))

    def resume(self, stamp: Stamp) -> None:
        self._record("resume", ev.Resumed, stamp)

    def complete(self, stamp: Stamp, resolution: str) -> None:
        self.check("complete")  # the state first, then fields
        self._record(
            "complete",
            ev.Completed,
            stamp,
            resolution=inputs.free_text("resolution", resolution, limit=inputs.LONG_TEXT),
        )

    def resolve(self, stamp: Stamp, resolution: str) -> None:
        self.check("resolve")  # the state first, then fields
        self._record(
            "resolve",
            ev.ResolvedAtFirstContact,
            stamp,
            resolution=inputs.free_text("resolution", resolution, limit=inputs.LONG_TEXT),
        )

    def callback(self, stamp: Stamp, outcome: str, comment: str | None = None) -> None:
        self.check("callback")
        self._record(
            "callback",
            ev.CallbackRecorded,
            stamp,
            outcome=inputs.choice("outcome", outcome, inputs.CALLBACK_OUTCOMES),
            comment=inputs.free_text("comment", comment, limit=inputs.LONG_TEXT, required=False),
        )

    def handover(self, stamp: Stamp, to: str, reason: str) -> None:
        self.check("handover")
        new_owner = labels.name("to", to)
        # A case no one owns is claimed by whoever hands it over (`_record`), first.
        owner = self.owner if self.owner is not None else labels.name("actor", stamp.actor)
        if new_owner == owner:
            raise InvalidInput("to", f"{new_owner!r} already owns the case; hand over to another")
        self._record(
            "handover",
            ev.HandedOver,
            stamp,
            previous_owner=owner,
            to=new_owner,
            reason=inputs.free_text("reason", reason),
        )

    def claim(self, stamp: Stamp) -> None:
        """认领: take up a case received unowned; the claimer owns it from now on."""
        if self.owner is not None:  # in any state: the refusal names who owns it
            raise AlreadyOwned(self.kind, self.state, self.owner, self.allowed_commands())
        self._record("claim", ev.Claimed, stamp)

    def cancel(self, stamp: Stamp, reason: str) -> None:
        self.check("cancel")  # the state first, then fields
        self._record("cancel", ev.Cancelled, stamp, reason=inputs.free_text("reason", reason))

    def amend(
        self,
        stamp: Stamp,
        location: str | None = None,
        category: str | None = None,
        description: str | None = None,
        *,
        reason: str,
    ) -> None:
        """更正: correct what intake recorded; the kind and priority never change."""
        self.check("amend")  # the state first, then fields
        corrected = corrections(self, location, category, description)
        self._record(
            "amend", ev.Amended, stamp, reason=inputs.free_text("reason", reason), **corrected
        )

    def urge(self, stamp: Stamp, note: str) -> None:
        """催办: recorded with what the resident said as its note, which it requires."""
        self.check("urge")  # the state first, then fields
        said = inputs.free_text("note", note, limit=inputs.LONG_TEXT)
        self._record("urge", ev.Urged, replace(stamp, note=said))

    def erase_reporter(self, stamp: Stamp) -> None:
        """PIPL: the reporter's record is erased at the resident's request."""
        self._erase_reporter(stamp, ErasureReason.REQUEST)

    def erase_expired_reporter(self, stamp: Stamp) -> None:
        """PIPL: the reporter's record is erased as its retention period after the case
        ended ran out (not a command anyone sends: the retention job's)."""
        self._erase_reporter(stamp, ErasureReason.RETENTION)

    def _erase_reporter(self, stamp: Stamp, reason: ErasureReason) -> None:
        """Records that the reporter's record is erased, in any state. The record is outside
        the case: the service deletes it with this event's save (`CaseService._act`). The
        event carries no personal data, hence no note."""
        self.check("erase_reporter")
        if self.reporter_ref is None:
            raise NoReporterRecord(self.id)
        if self.reporter_erased_at is not None:
            raise ReporterAlreadyErased(self.id, self.reporter_erased_at)
        # Checked as every note is, then refused: the event keeps no personal data.
        if inputs.text("note", stamp.note, limit=inputs.LONG_TEXT, required=False):
            raise InvalidInput("note", "an erasure records no note: it keeps no personal data")
        self._record(
            "erase_reporter",
            ev.ReporterErased,
            stamp,
            reason=reason.value,
            reporter_ref=self.reporter_ref,
        )


# Stored snapshots name their class by this topic, and a process resolves a topic only
# once it is registered (the library registers the aggregate's own when the class is
# made, not its snapshot's): without this, a process that had not written a snapshot
# itself could not load a case from one.
register_topic(Case.Snapshot.TOPIC, Case.Snapshot)
