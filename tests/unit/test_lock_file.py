"""requirements.lock pins every dependency pyproject.toml declares, each with its hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _pins() -> dict[str, tuple[str, int]]:
    """Each locked package: its version and how many hashes follow it."""
    pins: dict[str, tuple[str, int]] = {}
    current = ""
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        found = PIN.match(line)
        if found:
            current = canonicalize_name(found.group(1))
            pins[current] = (found.group(2), 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = project["project"]["dependencies"] + project["project"]["optional-dependencies"]["dev"]
    build = project["build-system"]["requires"]
    return [Requirement(text) for text in [*listed, *build]]


@pytest.mark.parametrize("requirement", _declared(), ids=str)
def test_every_declared_dependency_is_locked_at_a_version_its_range_allows(
    requirement: Requirement,
) -> None:
    pins = _pins()
    name = canonicalize_name(requirement.name)
    assert name in pins, f"{name} is declared in pyproject.toml but not locked: run `make lock`"
    version, _ = pins[name]
    assert requirement.specifier.contains(version, prereleases=True), (
        f"{name}=={version} in requirements.lock is outside {requirement.specifier}: "
        "run `make lock`"
    )


def test_every_locked_package_carries_at_least_one_hash() -> None:
    unhashed = [name for name, (_, hashes) in _pins().items() if hashes == 0]
    assert _pins(), "requirements.lock pins nothing"
    assert unhashed == []
