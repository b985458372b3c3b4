"""The read side recognises events by class or by stable topic, never by class name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from projections.upgrades import LAYOUT_4_TYPES
from workflow.events import CASE_EVENTS

PROJECTIONS = Path(__file__).resolve().parents[2] / "src" / "projections"
EVENT_NAMES = {event.__name__ for event in CASE_EVENTS} | {"CaseEvent"}
# The one place that must know class names: what the timeline of layout 4 stored.
HISTORICAL = "LAYOUT_4_TYPES"


def _historical_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        targets = [node.target] if isinstance(node, ast.AnnAssign) else []
        targets += node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == HISTORICAL for t in targets):
            inside.update(id(child) for child in ast.walk(node))
    return inside


def _describing_an_error(tree: ast.AST) -> set[int]:
    """Nodes in a `raise` or an `except` block: naming an error's class is fine there."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise | ast.ExceptHandler):
            inside.update(id(child) for child in ast.walk(node))
    return inside


def offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    historical, errors = _historical_nodes(tree), _describing_an_error(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in EVENT_NAMES:
            if id(node) not in historical:
                found.append(f"line {node.lineno}: the class name {node.value!r} as a string")
        elif isinstance(node, ast.Attribute) and node.attr == "__name__" and id(node) not in errors:
            found.append(f"line {node.lineno}: `__name__` outside an error message")
    return found


@pytest.mark.parametrize("path", sorted(PROJECTIONS.glob("*.py")), ids=lambda p: p.name)
def test_a_read_model_names_no_event_by_its_class_name(path: Path) -> None:
    assert offences(path) == [], "recognise events by class or TOPIC (Dispatched.TOPIC)"


def test_the_guard_finds_a_class_name_literal_and_a_dispatch_on_the_class_name(
    tmp_path: Path,
) -> None:
    source = tmp_path / "bad.py"
    source.write_text(
        "def signal(event):\n"
        "    if type(event).__name__ == 'Dispatched':\n"
        "        return 'dispatched'\n"
    )
    assert len(offences(source)) == 2


# The class names layout 4's timeline stored, as released: a record of what was written,
# which a later rename of a class must not change.
STORED_BY_LAYOUT_4 = {
    "Received", "Dispatched", "Signed", "Arrived", "Quoted", "QuoteAccepted", "Held",
    "Resumed", "Replied", "Completed", "CallbackRecorded", "HandedOver", "Cancelled",
    "Invalidated", "Approved", "Rejected", "Inspected", "AcceptanceRequested",
    "AcceptancePassed", "AcceptanceFailed", "DepositRefunded",
}  # fmt: skip


def test_the_upgrade_of_layout_4_turns_every_name_it_stored_into_a_topic_of_today() -> None:
    assert set(LAYOUT_4_TYPES) == STORED_BY_LAYOUT_4
    assert set(LAYOUT_4_TYPES.values()) <= {event.TOPIC for event in CASE_EVENTS}
