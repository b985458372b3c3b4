"""`propdesk serve` watches its workers from a process that holds next to nothing: the
supervisor, and the modules every spawned worker and the follower import again as their
parent's main module, import none of the command line, the app or the storage."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("api.cli.main", "typer", "rich", "fastapi", "pydantic", "eventsourcing", "holidays")


def imported_by(statement: str) -> list[str]:
    probe = f"import sys; {statement}; print(*sorted(sys.modules), sep='\\n')"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def heavy_among(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY]


def test_the_supervisor_imports_none_of_the_command_line_the_app_or_the_storage() -> None:
    modules = imported_by("import api.server.supervisor")
    assert "api.server.supervisor" in modules
    assert heavy_among(modules) == []


def test_the_probe_sees_what_the_command_line_imports() -> None:
    assert {"api.cli.main", "typer", "rich", "eventsourcing"} <= set(
        heavy_among(imported_by("import api.cli.main"))
    )
