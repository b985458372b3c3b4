"""Every text field of intake and of every command, the characters no record accepts, and a
case where each command is allowed: for tests that put a forbidden character in each field."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from uuid import UUID

from hypothesis import strategies as st

from support.driver import ALL_COMMANDS, paths_to_states, replay, request_for
from workflow.lifecycles import LIFECYCLES
from workflow.service import CaseService

# Each class of characters no text field accepts, in full.
FORBIDDEN: dict[str, list[str]] = {
    "C0 control": [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"],
    "DEL or C1 control": [chr(c) for c in range(0x7F, 0xA0)],
    "bidirectional override": [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))],
    "zero-width": ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"],
}
# Allowed in long texts only: a one-line field refuses them too.
LINE_BREAKS_AND_TABS = ["\t", "\n", "\r", "\u2028", "\u2029"]


@dataclass(frozen=True)
class TextField:
    name: str  # as the error names it
    valid: str
    lines: bool = False  # a long text: tabs and line breaks allowed

    def classes(self) -> dict[str, list[str]]:
        """The characters it refuses, by class."""
        if self.lines:
            return FORBIDDEN
        return {**FORBIDDEN, "line break or tab": LINE_BREAKS_AND_TABS}


NOTE = TextField("note", "resident asked for a morning visit", lines=True)

# The text fields each command takes, besides the actor and note that every command takes
# (a command declaring `note` as its own input lists it here).
COMMAND_TEXTS: dict[str, tuple[TextField, ...]] = {
    "dispatch": (TextField("assignee", "eng-wang"), TextField("team", "engineering")),
    "hold": (TextField("reason", "waiting for parts"),),
    "complete": (TextField("resolution", "replaced the valve", lines=True),),
    "callback": (TextField("comment", "fixed quickly", lines=True),),
    "handover": (TextField("to", "desk-li"), TextField("reason", "shift change")),
    "amend": (
        TextField("location", "9-9-901"),
        TextField("category", "electrical"),
        TextField("description", "the kitchen tap", lines=True),
        TextField("reason", "wrong unit taken down"),
    ),
    "cancel": (TextField("reason", "resident withdrew"),),
    "reply": (TextField("message", "an engineer comes by 15:00", lines=True),),
    "invalidate": (
        TextField("reason", "outside the remit"),
        TextField("explanation", "street lights are the city's", lines=True),
    ),
    "approve": (TextField("permit_no", "ZX-2026-0042"),),
    "reject": (TextField("reasons", "drawings missing", lines=True),),
    "inspect": (
        TextField("findings", "all in order", lines=True),
        TextField("violation", "noise after 20:00", lines=True),
    ),
    "fail_acceptance": (TextField("reasons", "wiring exposed", lines=True),),
    "refund_deposit": (TextField("reason", "damaged the corridor wall", lines=True),),
    "urge": (TextField("note", "住户第二次来电催促", lines=True),),
    "resolve": (TextField("resolution", "reset the breaker", lines=True),),
}
# What else a command needs to be valid, with the text fields above.
OTHER_ARGUMENTS: dict[str, dict[str, Any]] = {
    "quote": {"amount": "120.50"},
    "callback": {"outcome": "satisfied"},
    "approve": {"deposit": "2000", "fee": "300"},
    "refund_deposit": {"refunded": "1900", "withheld": "100"},  # of the driver's 2000
}


def command_fields(command: str) -> tuple[TextField, ...]:
    own = COMMAND_TEXTS.get(command, ())
    # A command that takes the note as its own field (urge) has it once.
    return own if any(f.name == NOTE.name for f in own) else (NOTE, *own)


def valid_arguments(command: str) -> dict[str, Any]:
    texts = {f.name: f.valid for f in COMMAND_TEXTS.get(command, ())}
    return {**texts, **OTHER_ARGUMENTS.get(command, {})}


# Intake's text fields, as `NewRequest` names them (reporter and details are built apart).
INTAKE_TEXTS = (
    TextField("location", "3-2-1201"),
    TextField("description", "burst pipe in the kitchen", lines=True),
    TextField("received_by", "desk-zhang"),
    TextField("note", "resident asked for a morning visit", lines=True),
    TextField("idempotency_key", "hotline-4711"),
    TextField("reporter.name", "王先生"),
    TextField("reporter.phone", "13800000000"),
    TextField("details key", "contractor"),
    TextField("details.contractor", "安居装饰", lines=True),
)


@st.composite
def spoiled(draw: st.DrawFn, field: TextField, characters: list[str]) -> tuple[str, str, int]:
    """The field's valid value with one of `characters` put in: (value, character, where)."""
    char = draw(st.sampled_from(characters))
    at = draw(st.integers(0, len(field.valid)))
    return field.valid[:at] + char + field.valid[at:], char, at + 1


@cache
def _paths() -> dict[str, tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """For each command, a kind and a shortest command path to a state that allows it."""
    memory = CaseService({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    found: dict[str, tuple[str, list[tuple[str, dict[str, Any]]]]] = {}
    for kind, lifecycle in LIFECYCLES.items():
        paths = paths_to_states(memory, kind.value)
        for state, path in sorted(paths.items(), key=lambda p: len(p[1])):
            for command in lifecycle.allowed(state):
                found.setdefault(command, (kind.value, path))
    memory.close()
    assert set(found) == set(ALL_COMMANDS)
    return found


def case_allowing(app: CaseService, command: str) -> UUID:
    """A new case in a state where `command` is allowed."""
    kind, path = _paths()[command]
    return replay(app, kind, path, **request_for(command))
