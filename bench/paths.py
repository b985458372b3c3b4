"""Where the benchmark suite keeps things: the repository, cached histories, scratch
copies, results, the `propdesk` command and wrk's script."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"  # cached histories (gitignored)
SCRATCH = DATA / "scratch"  # copies a benchmark may change; emptied by each benchmark
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
PROPDESK = str(BIN / "propdesk")
LUA = HERE / "intake.lua"
