"""Each kind's lifecycle, declared once as a `transitions` table.

The machines are module-level transition tables with no model attached: they
validate commands and draw diagrams. A case's state changes only when its
events are applied, so replaying history never consults these tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from transitions import Machine

from workflow.errors import InvalidTransition
from workflow.vocabulary import Kind

TERMINAL = ("closed", "cancelled", "rejected", "invalid")

# Internal transitions (dest None) record a fact without changing the state.
_Row = dict[str, Any]


def _row(trigger: str, source: str | list[str], dest: str | None) -> _Row:
    return {"trigger": trigger, "source": source, "dest": dest}


_REPAIR_WORK = ["received", "dispatched", "signed", "on_site", "quoted", "reopened"]
_REPAIR_OPEN = [*_REPAIR_WORK, "on_hold", "completed"]

REPAIR: list[_Row] = [
    _row("dispatch", ["received", "dispatched", "signed", "reopened"], "dispatched"),
    _row("sign", "dispatched", "signed"),
    _row("arrive", "signed", "on_site"),
    _row("quote", "on_site", "quoted"),
    _row("accept_quote", "quoted", "on_site"),
    _row("hold", _REPAIR_WORK, "on_hold"),
    *[_row("resume", "on_hold", back) for back in _REPAIR_WORK],
    _row("complete", "on_site", "completed"),
    *[_row("callback", "completed", dest) for dest in ("closed", "reopened", None)],
    _row("handover", _REPAIR_OPEN, None),
    _row("cancel", _REPAIR_OPEN, "cancelled"),
]

_COMPLAINT_WORK = ["received", "dispatched", "reopened"]
_COMPLAINT_OPEN = [*_COMPLAINT_WORK, "on_hold", "completed"]

COMPLAINT: list[_Row] = [
    _row("dispatch", _COMPLAINT_WORK, "dispatched"),
    _row("reply", [*_COMPLAINT_WORK, "on_hold"], None),
    _row("hold", _COMPLAINT_WORK, "on_hold"),
    *[_row("resume", "on_hold", back) for back in _COMPLAINT_WORK],
    _row("complete", "dispatched", "completed"),
    *[_row("callback", "completed", dest) for dest in ("closed", "reopened", None)],
    _row("invalidate", ["received", "dispatched", "on_hold"], "invalid"),
    _row("handover", _COMPLAINT_OPEN, None),
    _row("cancel", _COMPLAINT_OPEN, "cancelled"),
]

_REVIEW = ["received", "dispatched"]
_RENOVATION_OPEN = [
    *_REVIEW,
    "on_hold",
    "approved",
    "acceptance_requested",
    "accepted",
    "completed",
    "reopened",
    "rework",
]

RENOVATION: list[_Row] = [
    _row("dispatch", _REVIEW, "dispatched"),  # to the reviewer
    _row("dispatch", ["reopened", "rework"], "rework"),  # rework after an unsatisfied callback
    _row("hold", _REVIEW, "on_hold"),  # materials missing: the review clock pauses
    *[_row("resume", "on_hold", back) for back in _REVIEW],
    _row("approve", _REVIEW, "approved"),
    _row("reject", [*_REVIEW, "on_hold"], "rejected"),
    _row("inspect", ["approved", "acceptance_requested"], None),
    _row("request_acceptance", "approved", "acceptance_requested"),
    _row("pass_acceptance", "acceptance_requested", "accepted"),
    _row("fail_acceptance", "acceptance_requested", "approved"),
    _row("refund_deposit", "accepted", "completed"),
    _row("complete", "rework", "completed"),
    *[_row("callback", "completed", dest) for dest in ("closed", "reopened", None)],
    _row("handover", _RENOVATION_OPEN, None),
    _row("cancel", _RENOVATION_OPEN, "cancelled"),
]

_STATES: dict[Kind, list[str]] = {
    Kind.REPAIR: [*_REPAIR_OPEN, "closed", "cancelled"],
    Kind.COMPLAINT: [*_COMPLAINT_OPEN, "closed", "invalid", "cancelled"],
    Kind.RENOVATION: [*_RENOVATION_OPEN, "closed", "rejected", "cancelled"],
}

TABLES: dict[Kind, list[_Row]] = {
    Kind.REPAIR: REPAIR,
    Kind.COMPLAINT: COMPLAINT,
    Kind.RENOVATION: RENOVATION,
}


@dataclass(frozen=True)
class Lifecycle:
    kind: Kind
    states: tuple[str, ...]
    table: tuple[_Row, ...]
    machine: Machine

    @property
    def commands(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(row["trigger"] for row in self.table))

    def allowed(self, state: str) -> tuple[str, ...]:
        """The commands allowed in a state, in declaration order."""
        return _ask_machine(self.kind, state, None)

    def destinations(self, state: str, command: str) -> tuple[str, ...]:
        """Where the command may lead from the state; the state itself for internal ones."""
        return _ask_machine(self.kind, state, command)

    def check(self, state: str, command: str) -> tuple[str, ...]:
        destinations = self.destinations(state, command)
        if not destinations:
            raise InvalidTransition(self.kind.value, state, command, self.allowed(state))
        return destinations

    def is_open(self, state: str) -> bool:
        return state not in TERMINAL


def _build(kind: Kind) -> Lifecycle:
    table = TABLES[kind]
    machine = Machine(
        model=None,
        states=_STATES[kind],
        transitions=table,
        initial="received",
        auto_transitions=False,
    )
    return Lifecycle(kind, tuple(_STATES[kind]), tuple(table), machine)


LIFECYCLES: dict[Kind, Lifecycle] = {kind: _build(kind) for kind in Kind}


@cache
def _ask_machine(kind: Kind, state: str, command: str | None) -> tuple[str, ...]:
    """The machine's answers never change: every command and every answer asked of a case
    asks the machine once per (state, command) in a process, not once per request."""
    machine = LIFECYCLES[kind].machine
    if command is None:
        triggers = set(machine.get_triggers(state))
        return tuple(c for c in LIFECYCLES[kind].commands if c in triggers)
    found = machine.get_transitions(trigger=command, source=state)
    return tuple(t.dest if t.dest is not None else state for t in found)


def lifecycle(kind: Kind | str) -> Lifecycle:
    return LIFECYCLES[Kind(kind)]
