"""Arguments for every declared command, taken from the examples its declaration gives.

A test that needs a command sent with valid (or invalid) inputs takes them from here, so
that a command added to the declarations is covered without a new row in any test.
"""

from __future__ import annotations

from typing import Any

from workflow.declaration import Value
from workflow.declared import COMMANDS, declared

# An input that each kind of value refuses: empty text, money that is no number, a word
# outside every vocabulary.
_REFUSED = {Value.LINE: "", Value.TEXT: "", Value.MONEY: "x", Value.CHOICE: "maybe"}


def example_arguments(command: str) -> dict[str, Any]:
    """The command's inputs as its declaration's examples give them (method names)."""
    return {f.name: f.example for f in declared(command).inputs.fields if f.example is not None}


def refused_arguments(command: str) -> dict[str, Any]:
    """Every required input of the command set to a value its kind of value refuses."""
    return {f.name: _REFUSED[f.value] for f in declared(command).inputs.fields if f.required}


# By the aggregate's method names (accept_quote) and by the names on the wire (accept-quote).
EXAMPLES: dict[str, dict[str, Any]] = {c.name: example_arguments(c.name) for c in COMMANDS}
WIRE_EXAMPLES: dict[str, dict[str, Any]] = {
    c.wire_name: example_arguments(c.name) for c in COMMANDS
}
