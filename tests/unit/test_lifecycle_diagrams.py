"""Diagrams are drawn from the same tables that validate commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from workflow.diagrams import draw, lifecycles_document
from workflow.lifecycles import LIFECYCLES, lifecycle

DOCS = Path(__file__).resolve().parents[2] / "docs" / "lifecycles.md"


def test_docs_lifecycles_md_matches_the_transition_tables() -> None:
    assert DOCS.read_text() == lifecycles_document(), (
        "docs/lifecycles.md is stale: run `make diagrams`"
    )


@pytest.mark.parametrize("kind", [k.value for k in LIFECYCLES])
def test_every_declared_transition_appears_in_the_mermaid_diagram(kind: str) -> None:
    diagram = draw(kind, "mermaid")
    for row in lifecycle(kind).table:
        sources = row["source"] if isinstance(row["source"], list) else [row["source"]]
        for source in sources:
            dest = row["dest"] or source
            assert f"{source} --> {dest}: " in diagram
            line = next(x for x in diagram.splitlines() if f"{source} --> {dest}: " in x)
            assert row["trigger"] in line


def test_the_cli_prints_a_dot_diagram_for_a_kind() -> None:
    result = CliRunner().invoke(app, ["lifecycle", "renovation", "--format", "dot"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith('digraph "renovation lifecycle"')
    assert "acceptance_requested -> accepted [label=pass_acceptance]" in result.output


def test_the_cli_rejects_an_unknown_kind_with_the_allowed_ones() -> None:
    result = CliRunner().invoke(app, ["lifecycle", "parking"])
    assert result.exit_code == 2
    assert "repair" in result.output
    assert "complaint" in result.output
