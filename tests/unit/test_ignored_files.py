"""What propdesk writes beside a database in the working directory stays out of git."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "written",
    ["propdesk.db", "propdesk.db-wal", "propdesk.db.write-lock", "propdesk.db.open-lock"],
)
def test_files_beside_the_default_database_are_ignored_by_git(written: str) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    # --no-index: the answer comes from .gitignore, whether or not such a file exists.
    check = subprocess.run(
        ["git", "check-ignore", "--no-index", "--quiet", written], cwd=ROOT, check=False
    )
    assert check.returncode == 0, f"{written} is not ignored by .gitignore"
