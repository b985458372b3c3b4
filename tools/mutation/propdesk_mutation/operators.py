"""Deletions for cosmic-ray: a statement of a function body, or an element of a table.

cosmic-ray's own operators change operators, comparisons, numbers and keywords; a
suite that never notices a whole assignment, call, return or raise go missing, or a
row gone from a transition table or a state from a tuple of states, passes them all.

- `propdesk/DeleteStatement` turns one statement of a function body into `pass`.
  Statements outside functions (imports, constants, class fields) are left alone:
  deleting one breaks the import, which says nothing about the tests. So are
  docstrings and the statements that already do nothing or that cosmic-ray's own
  operators change (`pass`, `break`, `continue`).
- `propdesk/DeleteElement` removes one element of a list or tuple display (not of a
  comprehension, a call's arguments or a subscript).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import parso
from cosmic_ray.operators.operator import Operator
from parso.python.tree import Keyword
from parso.tree import NodeOrLeaf, search_ancestor

_LEFT_ALONE = frozenset(
    {
        "newline", "operator", "string", "fstring", "import_name", "import_from",
        "global_stmt", "nonlocal_stmt",
    }
)  # fmt: skip
_DELETABLE_KEYWORDS = frozenset({"return", "raise"})  # a bare `return` or `raise`

Position = tuple[tuple[int, int], tuple[int, int]]


def _deletable(node: NodeOrLeaf) -> bool:
    parent = node.parent
    if parent is None or parent.type != "simple_stmt" or node.type in _LEFT_ALONE:
        return False
    if node.type == "keyword" and getattr(node, "value", None) not in _DELETABLE_KEYWORDS:
        return False
    if node.type == "expr_stmt" and _bare_annotation(node):
        return False
    return search_ancestor(node, "funcdef", "lambdef") is not None


def _bare_annotation(node: NodeOrLeaf) -> bool:
    children = getattr(node, "children", [])
    return len(children) == 2 and children[1].type == "annassign" and len(children[1].children) == 2


class DeleteStatement(Operator):
    """Replaces one statement of a function body with `pass`."""

    def mutation_positions(self, node: NodeOrLeaf) -> Iterator[Position]:
        if _deletable(node):
            yield (node.start_pos, node.end_pos)

    def mutate(self, node: NodeOrLeaf, index: int) -> NodeOrLeaf:
        if index != 0:
            raise ValueError(f"a statement has one deletion, not {index + 1}")
        return Keyword("pass", node.start_pos, prefix=node.get_first_leaf().prefix)

    @classmethod
    def examples(cls) -> tuple[tuple[str, str], ...]:
        return (
            ("def f():\n    x = 1\n    return x\n", "def f():\n    pass\n    return x\n"),
            ("def f(x):\n    if x: raise ValueError\n", "def f(x):\n    if x: pass\n"),
        )


def _elements(node: NodeOrLeaf) -> list[NodeOrLeaf]:
    """The elements of a list or tuple display; none for anything else."""
    parent = node.parent
    if node.type != "testlist_comp" or parent is None or parent.type != "atom":
        return []
    opening = parent.children[0]
    if getattr(opening, "value", None) not in ("[", "("):
        return []
    children = getattr(node, "children", [])
    if any(child.type in ("comp_for", "sync_comp_for") for child in children):
        return []
    elements = [child for child in children if child.type != "operator"]
    return elements if len(elements) > 1 else []


class DeleteElement(Operator):
    """Removes one element of a list or tuple display: a row of a table, a state."""

    def mutation_positions(self, node: NodeOrLeaf) -> Iterator[Position]:
        for element in _elements(node):
            yield (element.start_pos, element.end_pos)

    def mutate(self, node: NodeOrLeaf, index: int) -> NodeOrLeaf:
        elements = _elements(node)
        kept = [e.get_code(include_prefix=False) for i, e in enumerate(elements) if i != index]
        opening = node.parent.children[0].value  # an atom: `_elements` found some
        closing = "]" if opening == "[" else ")"
        # A trailing comma keeps a tuple a tuple however few elements are left.
        display = parso.parse(f"{opening}{', '.join(kept)},{closing}").children[0]
        replacement = display.children[1]
        replacement.parent = node.parent
        first = replacement.get_first_leaf()
        first.prefix = node.get_first_leaf().prefix
        return replacement

    @classmethod
    def examples(cls) -> tuple[tuple[str, str], ...]:
        return (("x = (a, b, c)\n", "x = (b, c,)\n"), ("x = [a, b]\n", "x = [b,]\n"))


_OPERATORS: dict[str, Any] = {"DeleteStatement": DeleteStatement, "DeleteElement": DeleteElement}


class OperatorProvider:
    """The operators this package adds, as cosmic-ray's `propdesk/...` names."""

    def __iter__(self) -> Iterator[str]:
        return iter(_OPERATORS)

    def __getitem__(self, name: str) -> Any:
        return _OPERATORS[name]
