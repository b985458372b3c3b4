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
from workflow.errors import InvalidInput
from workflow.kind_commands import ComplaintWork, RenovationWork, RepairWork
from workflow.lifecycles import TERMINAL, TRIGGER_OF_EVENT, Lifecycle, lifecycle, next_state
from workflow.stamp import Stamp

__all__ = ["Case", "Stamp"]


class Case(Aggregate, RepairWork, ComplaintWork, RenovationWork):
    TOPIC = "propdesk.case"
    # The events live in workflow.events; naming them here stops the library
    # from deriving event classes of its own.
    Event = ev.CaseEvent
    Created = ev.Received
    # Snapshots' version: 2 added `urges` (docs/upcasting.md).
    class_version = 3

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
        received_by: str
        received_at: datetime
        owner: str
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
            note=inputs.text("note", stamp.note, limit=inputs.LONG_TEXT, required=False),
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
        return self.lifecycle.allowed(self.state)

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
        self.lifecycle.check(self.state, command)
        actor = labels.name("actor", stamp.actor)
        note = inputs.text("note", stamp.note, limit=inputs.LONG_TEXT, required=False)
        at, late_reason = stamp.occurrence(not_before=self.last_occurred_at)
        self.trigger_event(
            event_class,
            timestamp=stamp.now,
            actor=actor,
            occurred_at=at,
            note=note,
            late_reason=late_reason,
            **fields,
        )

    # -- commands on every kind ------------------------------------------------

    def dispatch(self, stamp: Stamp, assignee: str, team: str | None = None) -> None:
        self.lifecycle.check(self.state, "dispatch")
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
        self.lifecycle.check(self.state, "hold")  # the state first, then fields
        self._record("hold", ev.Held, stamp, reason=inputs.text("reason", reason))

    def resume(self, stamp: Stamp) -> None:
        self._record("resume", ev.Resumed, stamp)

    def complete(self, stamp: Stamp, resolution: str) -> None:
        self.lifecycle.check(self.state, "complete")  # the state first, then fields
        self._record(
            "complete",
            ev.Completed,
            stamp,
            resolution=inputs.text("resolution", resolution, limit=inputs.LONG_TEXT),
        )

    def resolve(self, stamp: Stamp, resolution: str) -> None:
        self.lifecycle.check(self.state, "resolve")  # the state first, then fields
        self._record(
            "resolve",
            ev.ResolvedAtFirstContact,
            stamp,
            resolution=inputs.text("resolution", resolution, limit=inputs.LONG_TEXT),
        )

    def callback(self, stamp: Stamp, outcome: str, comment: str | None = None) -> None:
        self.lifecycle.check(self.state, "callback")
        self._record(
            "callback",
            ev.CallbackRecorded,
            stamp,
            outcome=inputs.choice("outcome", outcome, inputs.CALLBACK_OUTCOMES),
            comment=inputs.text("comment", comment, limit=inputs.LONG_TEXT, required=False),
        )

    def handover(self, stamp: Stamp, to: str, reason: str) -> None:
        self.lifecycle.check(self.state, "handover")
        new_owner = labels.name("to", to)
        if new_owner == self.owner:
            raise InvalidInput("to", f"{new_owner!r} already owns the case; hand over to another")
        self._record(
            "handover",
            ev.HandedOver,
            stamp,
            previous_owner=self.owner,
            to=new_owner,
            reason=inputs.text("reason", reason),
        )

    def cancel(self, stamp: Stamp, reason: str) -> None:
        self.lifecycle.check(self.state, "cancel")  # the state first, then fields
        self._record("cancel", ev.Cancelled, stamp, reason=inputs.text("reason", reason))

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
        self.lifecycle.check(self.state, "amend")  # the state first, then fields
        corrected = corrections(self, location, category, description)
        self._record("amend", ev.Amended, stamp, reason=inputs.text("reason", reason), **corrected)

    def urge(self, stamp: Stamp, note: str) -> None:
        """催办: recorded with what the resident said as its note, which it requires."""
        self.lifecycle.check(self.state, "urge")  # the state first, then fields
        said = inputs.text("note", note, limit=inputs.LONG_TEXT)
        self._record("urge", ev.Urged, replace(stamp, note=said))


# Stored snapshots name their class by this topic, and a process resolves a topic only
# once it is registered (the library registers the aggregate's own when the class is
# made, not its snapshot's): without this, a process that had not written a snapshot
# itself could not load a case from one.
register_topic(Case.Snapshot.TOPIC, Case.Snapshot)
