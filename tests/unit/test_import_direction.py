"""Dependencies point inward: the domain imports no outer layer, driver or settings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

FORBIDDEN_IN_WORKFLOW = (
    "api",
    "projections",
    "fastapi",
    "starlette",
    "uvicorn",
    "pydantic",
    "pydantic_settings",
    "sqlite3",
    "psycopg",
    "psycopg2",
    "psycopg_pool",
    "sqlalchemy",
    "eventsourcing.sqlite",
    "eventsourcing.postgres",
    "os",
    "typer",
    "rich",
    "dotenv",
)


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def is_forbidden(module: str, banned: tuple[str, ...]) -> bool:
    return any(module == b or module.startswith(b + ".") for b in banned)


@pytest.mark.parametrize("path", sorted((SRC / "workflow").glob("*.py")), ids=lambda p: p.name)
def test_the_domain_imports_no_outer_layer_driver_or_settings(path: Path) -> None:
    bad = sorted(m for m in imported_modules(path) if is_forbidden(m, FORBIDDEN_IN_WORKFLOW))
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", sorted((SRC / "projections").glob("*.py")), ids=lambda p: p.name)
def test_read_models_do_not_import_the_entry_points(path: Path) -> None:
    assert not [m for m in imported_modules(path) if is_forbidden(m, ("api",))]


def test_the_import_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import sqlite3\nfrom api.settings import Settings\nfrom os import environ\n")
    found = {m for m in imported_modules(sample) if is_forbidden(m, FORBIDDEN_IN_WORKFLOW)}
    assert found == {"sqlite3", "api.settings", "os"}
