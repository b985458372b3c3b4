"""Dependencies point inward: the domain imports no outer layer, driver or settings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from support.imports import imports_of

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
    "eventsourcing.popo",
    # Threads and locks are the adapters' and the server's: the domain holds none.
    "threading",
    "_thread",
    "multiprocessing",
    "concurrent",
    "fcntl",
    "os",
    "typer",
    "rich",
    "dotenv",
)


# The domain builds on eventsourcing's aggregates and application, and names what the
# application's save answers and raises; the event store, recorders and mappers of
# eventsourcing.persistence are the storage adapters' business.
ALLOWED_FROM_PERSISTENCE = frozenset({"IntegrityError", "Recording"})


def imported_modules(path: Path) -> set[str]:
    return imports_of(path)


def names_imported_from(path: Path, module: str) -> set[str]:
    """The names `from MODULE import ...` takes; `*` when the module is imported whole."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module == module and node.level == 0:
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import) and any(a.name == module for a in node.names):
            names.add("*")
    return names


def is_forbidden(module: str, banned: tuple[str, ...]) -> bool:
    return any(module == b or module.startswith(b + ".") for b in banned)


@pytest.mark.parametrize("path", sorted((SRC / "workflow").glob("*.py")), ids=lambda p: p.name)
def test_the_domain_imports_no_outer_layer_driver_or_settings(path: Path) -> None:
    bad = sorted(m for m in imported_modules(path) if is_forbidden(m, FORBIDDEN_IN_WORKFLOW))
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", sorted((SRC / "workflow").glob("*.py")), ids=lambda p: p.name)
def test_the_domain_takes_from_eventsourcing_persistence_only_what_its_application_answers(
    path: Path,
) -> None:
    taken = names_imported_from(path, "eventsourcing.persistence") - ALLOWED_FROM_PERSISTENCE
    assert taken == set(), f"{path.name} imports {sorted(taken)} from eventsourcing.persistence"


@pytest.mark.parametrize("path", sorted((SRC / "projections").glob("*.py")), ids=lambda p: p.name)
def test_read_models_do_not_import_the_entry_points(path: Path) -> None:
    assert not [m for m in imported_modules(path) if is_forbidden(m, ("api",))]


def test_the_import_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import sqlite3\nfrom api.config.settings import Settings\nfrom os import environ\n"
        "import threading\nfrom eventsourcing.persistence import EventStore, Recording\n"
    )
    found = {m for m in imported_modules(sample) if is_forbidden(m, FORBIDDEN_IN_WORKFLOW)}
    assert found == {"sqlite3", "api.config.settings", "os", "threading"}
    taken = names_imported_from(sample, "eventsourcing.persistence")
    assert taken - ALLOWED_FROM_PERSISTENCE == {"EventStore"}
