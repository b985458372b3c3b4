"""The packages of src/ depend on each other in one order, and entry points stay apart.

The domain (`workflow`) imports nothing of ours; the read models (`projections`) only the
domain; the adapters and the application's wiring under `api/` no entry point. The three
entry points (the command line, the HTTP API and the server's processes) take from each
other only the modules listed as their public face below, never each other's internals.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.imports import imports_of

SRC = Path(__file__).resolve().parents[2] / "src"

INNER = ("workflow", "projections")
ADAPTERS = (
    "api.config",
    "api.storage",
    "api.wiring",
    "api.report_files",
    "api.terminal",
    "api.backup",
    "api.simulation",
    "api.retention",
    "api.webhooks",
)
ENTRY_POINTS = ("api.cli", "api.http", "api.server")
# Packages that belong to an entry point: the web console is served by the HTTP API's
# application and reads through its parts (runtime, scopes, case answers).
PART_OF = {"api.console": "api.http"}

# What each package may import of ours, besides itself.
ALLOWED: dict[str, tuple[str, ...]] = {
    "workflow": (),
    "projections": ("workflow",),
    "api.config": INNER,
    "api.storage": (*INNER, "api.config"),
    "api.wiring": (*INNER, "api.config", "api.storage"),
    "api.report_files": INNER,
    "api.terminal": INNER,
    "api.backup": (*INNER, "api.config", "api.storage"),
    # The follower's periodic erasure of reporters' records whose retention ran out.
    "api.retention": (*INNER, "api.config"),
    # Webhooks: their endpoints and deliveries in the notice store, the deliverer opened
    # from the settings, a case's number for its messages.
    "api.webhooks": (*INNER, "api.config", "api.storage", "api.wiring"),
    # The simulator records a community's new service level in the registry, as an admin.
    "api.simulation": (*INNER, "api.config", "api.storage", "api.wiring"),
    **{entry: (*INNER, *ADAPTERS) for entry in ENTRY_POINTS},
}

# The modules an entry point offers the others. The HTTP API: its app factory, the
# protocol that serves it, the opening of a server process's runtime (which `propdesk
# serve` tries before it starts workers), the metrics address, and the answers the command
# line prints alike: the case (`propdesk show`), its SLA explanation (`propdesk sla
# explain`) and its proof (`propdesk audit export`). The server: the processes `propdesk
# serve` runs, how they say they cannot start, the garbage-collector settings its
# processes apply once started (the HTTP app's lifespan applies them in a worker), and the
# election of the process that holds a role (`propdesk projections run` stands for one).
PUBLIC_FACE = {
    "api.http": {
        "api.http.app",
        "api.http.guarded_protocol",
        "api.http.startup",
        "api.http.metrics_server",
        "api.http.views",
        "api.http.proof_document",
        "api.http.sla_explanation",
    },
    "api.server": {
        "api.server.supervisor",
        "api.server.workers",
        "api.server.start_failures",
        "api.server.garbage_collector",
        "api.server.election",
    },
    "api.cli": set(),
}


def package_of(module: str) -> str | None:
    for part, whole in PART_OF.items():
        if module == part or module.startswith(part + "."):
            return whole
    for package in sorted(ALLOWED, key=len, reverse=True):
        if module == package or module.startswith(package + "."):
            return package
    return None


def our_imports(path: Path) -> set[str]:
    return {m for m in imports_of(path, SRC) if package_of(m) is not None}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")


def wrong_imports(path: Path) -> list[str]:
    mine = package_of(module_name(path))
    assert mine is not None, f"{path} lies in no package of the order: add it to ALLOWED"
    wrong = []
    for imported in sorted(our_imports(path)):
        theirs = package_of(imported)
        if theirs == mine or theirs is None:
            continue
        if theirs in ENTRY_POINTS and mine in ENTRY_POINTS:
            if imported not in PUBLIC_FACE[theirs]:
                wrong.append(f"{imported} (internal to {theirs})")
        elif theirs not in ALLOWED[mine]:
            wrong.append(f"{imported} ({mine} may import only {ALLOWED[mine]})")
    return wrong


SOURCES = sorted(set(SRC.rglob("*.py")) - {SRC / "api" / "__init__.py"})


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SRC)))
def test_each_module_imports_only_packages_below_its_own(path: Path) -> None:
    assert wrong_imports(path) == []


def test_every_package_under_api_is_placed_in_the_order() -> None:
    packages = {f"api.{p.name}" for p in (SRC / "api").iterdir() if (p / "__init__.py").exists()}
    modules = {f"api.{p.stem}" for p in (SRC / "api").glob("*.py") if p.stem != "__init__"}
    assert packages | modules == set(ADAPTERS) | set(ENTRY_POINTS) | set(PART_OF)


def test_the_order_check_catches_an_adapter_importing_an_entry_point_and_cross_internals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_src = tmp_path / "src"
    storage = fake_src / "api" / "storage"
    server = fake_src / "api" / "server"
    for folder in (storage, server, fake_src / "api" / "cli", fake_src / "api" / "http"):
        folder.mkdir(parents=True)
    (fake_src / "api" / "cli" / "consoles.py").write_text("")
    (storage / "tokens.py").write_text("from api.http.auth import Caller\n")
    (server / "follower.py").write_text(
        "from api.cli import consoles\nfrom api.http.startup import open_runtime\n"
        "from api.storage.tokens import Role\nimport workflow.case\n"
    )
    monkeypatch.setitem(globals(), "SRC", fake_src)
    assert wrong_imports(storage / "tokens.py") == [
        f"api.http.auth (api.storage may import only {ALLOWED['api.storage']})"
    ]
    assert wrong_imports(server / "follower.py") == [
        "api.cli (internal to api.cli)",
        "api.cli.consoles (internal to api.cli)",
    ]
