"""How the tests are laid out: shared helpers live in tests/support, conftest files hold
only fixtures and hooks and are never imported, and the aggregate tier runs the aggregate
alone, with no application and no store."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
TEST_FILES = sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)
CONFTESTS = [p for p in TEST_FILES if p.name == "conftest.py"]
AGGREGATE_TIER = sorted((TESTS / "aggregate").glob("*.py"))

# What would bring an application, a store or a server into the aggregate tier.
NOT_IN_THE_AGGREGATE_TIER = (
    "api",
    "projections",
    "workflow.service",
    "workflow.receiving",
    "eventsourcing.application",
    "eventsourcing.persistence",
    "eventsourcing.sqlite",
    "eventsourcing.postgres",
    "eventsourcing.popo",
    "sqlite3",
    "psycopg",
    "fastapi",
    "support.api_client",
    "support.backends",
    "support.driver",
)
# The fixtures of tests/conftest.py and tests/api/conftest.py that open a store or an app.
STORE_FIXTURES = {"app", "memory_app", "sqlite_app", "db", "api", "api_on"}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _label(path: Path) -> str:
    return str(path.relative_to(TESTS))


def conftest_imports(tree: ast.Module) -> list[str]:
    """Every way the module imports a conftest: by name, by package path, relatively, or
    through importlib or __import__ with the name spelled out."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if "conftest" in a.name.split(".")]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if "conftest" in (node.module or "").split("."):
                found.append(module)
            found += [f"{module} {a.name}" for a in node.names if a.name == "conftest"]
        elif isinstance(node, ast.Call) and _imports_by_name(node):
            found += [
                arg.value
                for arg in node.args[:1]
                if isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and "conftest" in arg.value.split(".")
            ]
    return found


def _imports_by_name(call: ast.Call) -> bool:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else None
    if isinstance(call.func, ast.Name):
        name = call.func.id
    return name in ("import_module", "__import__")


def not_fixtures_or_hooks(tree: ast.Module) -> list[str]:
    """The top-level statements of a conftest that are neither a fixture, a hook, an
    import, its docstring nor pytest's own settings (pytest_plugins, collect_ignore)."""
    found = []
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if isinstance(node, ast.FunctionDef) and (
            node.name.startswith("pytest_") or any(map(_is_fixture, node.decorator_list))
        ):
            continue
        if isinstance(node, ast.Assign) and all(
            isinstance(t, ast.Name) and t.id in ("pytest_plugins", "collect_ignore")
            for t in node.targets
        ):
            continue
        found.append(f"line {node.lineno}: {type(node).__name__} {getattr(node, 'name', '')}")
    return found


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute):
        return target.attr == "fixture"
    return isinstance(target, ast.Name) and target.id == "fixture"


def imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def store_imports(path: Path, support: Path = TESTS / "support") -> list[str]:
    """What a module of the aggregate tier, or a support module it uses, imports that
    brings in an application, a store or a server."""
    names = imported(_tree(path))
    helpers = {support / f"{n.split('.')[1]}.py" for n in names if n.startswith("support.")}
    for helper in helpers:
        names |= imported(_tree(helper)) if helper.exists() else set()
    return sorted(n for n in names if _brings_a_store(n))


def _brings_a_store(module: str) -> bool:
    return any(module == b or module.startswith(b + ".") for b in NOT_IN_THE_AGGREGATE_TIER)


def store_fixtures(tree: ast.Module) -> list[str]:
    return sorted(
        f"{node.name}({arg.arg})"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        for arg in node.args.args
        if arg.arg in STORE_FIXTURES
    )


@pytest.mark.parametrize("path", TEST_FILES, ids=_label)
def test_no_test_module_imports_from_a_conftest(path: Path) -> None:
    found = conftest_imports(_tree(path))
    assert found == [], f"{_label(path)} imports {found}: move shared helpers to tests/support"


@pytest.mark.parametrize("path", CONFTESTS, ids=_label)
def test_a_conftest_holds_only_fixtures_and_hooks(path: Path) -> None:
    found = not_fixtures_or_hooks(_tree(path))
    assert found == [], f"{_label(path)} holds {found}: move helpers to tests/support"


@pytest.mark.parametrize("path", AGGREGATE_TIER, ids=_label)
def test_the_aggregate_tier_runs_no_application_and_no_store(path: Path) -> None:
    assert store_imports(path) == []
    assert store_fixtures(_tree(path)) == []


def test_the_layout_checks_see_every_tier() -> None:
    tiers = {p.relative_to(TESTS).parts[0] for p in TEST_FILES if p.name.startswith("test_")}
    assert {"unit", "integration", "api", "aggregate"} <= tiers
    assert len(CONFTESTS) >= 2
    assert len(AGGREGATE_TIER) >= 5


def test_the_conftest_check_catches_every_form_of_import() -> None:
    sample = ast.parse(
        "import conftest\n"
        "import tests.conftest as c\n"
        "from conftest import Api\n"
        "from tests.api.conftest import running\n"
        "from .conftest import REPAIR\n"
        "from . import conftest\n"
        "importlib.import_module('tests.conftest')\n"
        "from support.api_client import Api\n"
        "import conftest_like\n"
    )
    assert conftest_imports(sample) == [
        "conftest",
        "tests.conftest",
        "conftest",
        "tests.api.conftest",
        ".conftest",
        ". conftest",
        "tests.conftest",
    ]


def test_the_conftest_check_catches_a_helper_left_in_a_conftest() -> None:
    sample = ast.parse(
        '"""Fixtures."""\n'
        "import pytest\n"
        "pytest_plugins = ['x']\n"
        "@pytest.fixture\ndef app(): ...\n"
        "@pytest.fixture(params=[1])\ndef db(): ...\n"
        "def pytest_configure(config): ...\n"
        "REPAIR = {}\n"
        "class Api: ...\n"
        "def running(): ...\n"
    )
    assert [line.split(":")[0] for line in not_fixtures_or_hooks(sample)] == [
        "line 9",
        "line 10",
        "line 11",
    ]


def test_the_aggregate_tier_check_catches_a_store_or_an_application(tmp_path: Path) -> None:
    (tmp_path / "support").mkdir()
    (tmp_path / "support" / "cases.py").write_text("import sqlite3\nfrom uuid import uuid4\n")
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "from support.cases import received\n"
        "from workflow.service import CaseService\n"
        "from workflow.case import Case\n"
        "def test_x(app, clock): ...\n"
    )
    assert store_imports(sample, tmp_path / "support") == [
        "sqlite3",
        "workflow.service",
        "workflow.service.CaseService",
    ]
    assert store_fixtures(_tree(sample)) == ["test_x(app)"]
