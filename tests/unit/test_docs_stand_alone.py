"""The project's documents stand alone: no issue numbers, no files outside the repository,
and every file a document links to exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted([*ROOT.glob("*.md"), *(ROOT / "docs").glob("*.md")])
ISSUE_NUMBER = re.compile(r"\bissues?\s+#?\d+|(?<![\w&/#])#\d+\b", re.IGNORECASE)
OUTSIDE = re.compile(r"\]\(\.\./|\.\./shared|\.\./seed|DOMAIN\.md|/work/|shared/notes")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _prose(path: Path) -> str:
    """The document without its fenced code blocks, where `#1` may be a shell comment."""
    return re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_document_names_an_issue_number(path: Path) -> None:
    found = [m.group(0) for m in ISSUE_NUMBER.finditer(_prose(path))]
    assert found == [], f"{path.name} refers to issues by number: {found}"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_document_points_outside_the_repository(path: Path) -> None:
    found = [m.group(0) for m in OUTSIDE.finditer(path.read_text(encoding="utf-8"))]
    assert found == [], f"{path.name} points outside the repository: {found}"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_in_a_document_reaches_a_file(path: Path) -> None:
    targets = [m.group(1) for m in LINK.finditer(path.read_text(encoding="utf-8"))]
    local = [t for t in targets if "://" not in t and not t.startswith("mailto:")]
    missing = [t for t in local if not (path.parent / t).exists()]
    assert missing == []


def test_the_documents_are_found() -> None:
    names = {p.name for p in DOCUMENTS}
    assert {"README.md", "domain.md", "http.md", "sla.md"} <= names
