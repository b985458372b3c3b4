"""`propdesk --version` names the version pyproject.toml declares, which the CHANGELOG's
newest entry describes."""

from __future__ import annotations

import tomllib
from pathlib import Path

from typer.testing import CliRunner

from api.cli.main import app

ROOT = Path(__file__).resolve().parents[2]


def _declared() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    version: str = project["project"]["version"]
    return version


def test_version_prints_the_declared_version_and_does_nothing_else() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output == f"propdesk {_declared()}\n"


def test_the_changelog_describes_the_declared_version_first_after_what_is_unreleased() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    # Keep a Changelog's "Unreleased" section collects changes not yet in a release.
    headings = [line for line in changelog.splitlines() if line.startswith("## ")]
    releases = [line for line in headings if line != "## Unreleased"]
    assert releases, "CHANGELOG.md lists no release"
    assert releases[0].startswith(f"## {_declared()} "), releases[0]
