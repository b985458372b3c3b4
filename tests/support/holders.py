"""Another process that has an SQLite database open, as a server has it, until told to stop."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from support.processes import environment

HOLDER = """
import sys
from api.config.settings import Settings
from api.wiring import open_service
service = open_service(Settings.load({}, db=sys.argv[1]))
print("open", flush=True)
sys.stdin.readline()
"""


@contextmanager
def held_open_elsewhere(db: Path) -> Iterator[None]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        yield
    finally:
        holder.communicate("stop\n", timeout=60)
