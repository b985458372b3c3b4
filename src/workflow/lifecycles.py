"""Each kind's lifecycle, declared once as a `transitions` table.

The machines are module-level transition tables with no model attached: they
validate commands and draw diagrams. The same tables give the state a case
reaches by each event (`next_state`): the aggregate applying its events and the
read side evolving its case files both ask them, so neither keeps its own list
of states after events.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from transitions import Machine

from workflow import events as ev
from workflow.declared import COMMANDS
from workflow.errors import InvalidTransition
from workflow.vocabulary import CLOSING_OUTCOMES, CallbackOutcome, Kind

TERMINAL = ("closed", "cancelled", "rejected", "invalid")

# Internal transitions (dest None) record a fact without changing the state.
_Row = dict[str, Any]


def _row(trigger: str, source: str | list[str], dest: str | None) -> _Row:
    return {"trigger": trigger, "source": source, "dest": dest}


_REPAIR_WORK = ["received", "dispatched", "signed", "on_site", "quoted", "reopened"]
_REPAIR_OPEN = [*_REPAIR_WORK, "on_hold", "completed"]
_REPAIR_ALL = [*_REPAIR_OPEN, "closed", "cancelled"]

REPAIR: list[_Row] = [
    _row("dispatch", ["received", "dispatched", "signed", "reopened"], "dispatched"),
    _row("sign", "dispatched", "signed"),
    _row("arrive", "signed", "on_site"),
    _row("quote", "on_site", "quoted"),
    _row("accept_quote", "quoted", "on_site"),
    _row("hold", _REPAIR_WORK, "on_hold"),
    *[_row("resume", "on_hold", back) for back in _REPAIR_WORK],
    _row("complete", "on_site", "completed"),
    _row("resolve", "received", "completed"),  # 当场解决: settled by whoever took it
    *[_row("callback", "completed", dest) for dest in ("closed", "reopened", None)],
    _row("claim", "received", None),  # 认领: only a case received unowned
    _row("handover", _REPAIR_OPEN, None),
    _row("amend", _REPAIR_OPEN, None),
    _row("cancel", _REPAIR_OPEN, "cancelled"),
    _row("urge", _REPAIR_OPEN, None),
    # PIPL: the reporter's record may be erased in every state, an ended case's included
    # (its retention period runs from the end); the state does not change.
    _row("erase_reporter", _REPAIR_ALL, None),
]

_COMPLAINT_WORK = ["received", "dispatched", "reopened"]
_COMPLAINT_OPEN = [*_COMPLAINT_WORK, "on_hold", "completed"]
_COMPLAINT_ALL = [*_COMPLAINT_OPEN, "closed", "invalid", "cancelled"]

COMPLAINT: list[_Row] = [
    _row("dispatch", _COMPLAINT_WORK, "dispatched"),
    _row("reply", [*_COMPLAINT_WORK, "on_hold"], None),
    _row("hold", _COMPLAINT_WORK, "on_hold"),
    *[_row("resume", "on_hold", back) for back in _COMPLAINT_WORK],
    _row("complete", "dispatched", "completed"),
    _row("resolve", "received", "completed"),
    *[_row("callback", "completed", dest) for dest in ("closed", "reopened", None)],
    _row("invalidate", ["received", "dispatched", "on_hold"], "invalid"),
    _row("claim", "received", None),  # 认领: only a case received unowned
    _row("handover", _COMPLAINT_OPEN, None),
    _row("amend", _COMPLAINT_OPEN, None),
    _row("cancel", _COMPLAINT_OPEN, "cancelled"),
    _row("urge", _COMPLAINT_OPEN, None),
    _row("erase_reporter", _COMPLAINT_ALL, None),
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
_RENOVATION_ALL = [*_RENOVATION_OPEN, "closed", "rejected", "cancelled"]

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
    _row("claim", "received", None),  # 认领: only a case received unowned
    _row("handover", _RENOVATION_OPEN, None),
    _row("amend", _RENOVATION_OPEN, None),
    _row("cancel", _RENOVATION_OPEN, "cancelled"),
    _row("urge", _RENOVATION_OPEN, None),  # 催办: the resident chases an open case
    _row("erase_reporter", _RENOVATION_ALL, None),
]

_STATES: dict[Kind, list[str]] = {
    Kind.REPAIR: _REPAIR_ALL,
    Kind.COMPLAINT: _COMPLAINT_ALL,
    Kind.RENOVATION: _RENOVATION_ALL,
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
def _ask_machine(kind: Kind | str, state: str, command: str | None) -> tuple[str, ...]:
    """The machine's answers never change: every command and every answer asked of a case
    asks the machine once per (state, command) in a process, not once per request (nor
    once per event applied)."""
    lc = LIFECYCLES[Kind(kind)]
    machine = lc.machine
    if command is None:
        triggers = set(machine.get_triggers(state))
        return tuple(c for c in lc.commands if c in triggers)
    found = machine.get_transitions(trigger=command, source=state)
    return tuple(t.dest if t.dest is not None else state for t in found)


def lifecycle(kind: Kind | str) -> Lifecycle:
    return LIFECYCLES[Kind(kind)]


# The lifecycle trigger of each event: the command that records it, as its declaration
# says. Received opens a case and has none.
TRIGGER_OF_EVENT: dict[type[ev.CaseEvent], str] = {
    command.event: command.name for command in COMMANDS
}

# Where one (state, trigger) has several destinations, a rule picks one from the
# event's data or from the state the case was in before a hold.
Choice = Callable[[str, Mapping[str, Any], str | None], str]


def _after_callback(state: str, data: Mapping[str, Any], held_from: str | None) -> str:
    """A satisfied or basically satisfied resident closes the case; an unsatisfied one
    reopens it (返修, rework); an unreachable one leaves it as it is, the callback still due."""
    outcome = data["outcome"]
    if outcome in CLOSING_OUTCOMES:
        return "closed"
    if outcome == CallbackOutcome.UNSATISFIED:
        return "reopened"
    return state


def _after_resume(state: str, data: Mapping[str, Any], held_from: str | None) -> str:
    """Back to the state the hold interrupted."""
    return held_from or "received"


CHOICES: dict[str, Choice] = {"callback": _after_callback, "resume": _after_resume}


def next_state(
    kind: str, state: str, trigger: str, data: Mapping[str, Any], held_from: str | None = None
) -> str:
    """The state a case of `kind` in `state` reaches by the event of `trigger`.

    Where the table gives one destination, that one (the state itself for an internal
    row); a trigger with several destinations from one state has a rule in `CHOICES`
    that decides from the event's `data` (a callback's `outcome`) or from `held_from`,
    the state a hold interrupted (resume). A renovation dispatched from `reopened` or
    `rework` goes to rework because its table says so, not by a rule. Applying a stored
    event never fails: where the table has no row for the state (history recorded under
    an older table), the trigger's first declared destination is taken.
    """
    settled = _SETTLED.get((kind, state, trigger))
    if settled is not None:
        return settled
    choose = CHOICES.get(trigger)
    if choose is not None:
        return choose(state, data, held_from)
    found = _ask_machine(kind, state, trigger)
    if not found:
        return _declared_destination(kind, trigger) or state
    _SETTLED[kind, state, trigger] = found[0]
    return found[0]


# (kind, state, trigger) -> the one destination, once asked: every event the read side
# follows or a case replays passes here, so the common answer is one dictionary lookup.
_SETTLED: dict[tuple[str, str, str], str] = {}


@cache
def _declared_destination(kind: str, trigger: str) -> str | None:
    return next((row["dest"] for row in TABLES[Kind(kind)] if row["trigger"] == trigger), None)
