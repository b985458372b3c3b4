"""Intake of this working tree against another commit's, both servers at once.

Not part of the suite: it judges a change of a few percent, which runs one after the
other cannot on a machine whose speed drifts by a quarter from minute to minute. Each
round starts `propdesk serve` from this tree and from the other commit's source (its
`src/`, exported with `git archive`, first on PYTHONPATH), each on a fresh SQLite file,
and drives both with wrk (bench/intake.lua) at the same time, so a drift touches both
alike. Which server starts first and gets the first port alternates between rounds:
in runs of one commit against itself, the first was favoured by about 4 %.

    .venv/bin/python bench/side_by_side.py --base REV [--rounds 4] [--seconds 15]
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import tarfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from figures import Figure, piece_main
from paths import PROPDESK, ROOT, SCRATCH
from servers import free_port, intake_token, running
from terminal import console
from wrk import WrkRun, ensure_wrk, wrk


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", default="HEAD", help="the commit to compare with [HEAD]")
    parser.add_argument("--rounds", type=int, help="rounds [4; quick 1]")
    parser.add_argument("--seconds", type=float, help="seconds of load per round [15; quick 3]")
    parser.add_argument("--connections", type=int, default=16, help="per server [16]")


def _export(rev: str) -> Path:
    """The commit's `src/`, in a scratch directory."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    where = Path(tempfile.mkdtemp(dir=SCRATCH, prefix="side-by-side-"))
    archive = where / "src.tar"
    with archive.open("wb") as sink:
        subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, stdout=sink, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(where, filter="data")
    return where / "src"


def _round(
    number: int, base_src: Path, args: argparse.Namespace, seconds: float
) -> tuple[WrkRun, WrkRun]:
    """One round: (this tree's run, the base's run), the two loads at the same time."""
    sides = [("this tree", None), ("base", base_src)]
    if number % 2:
        sides.reverse()
    runs: dict[str, WrkRun] = {}
    with ExitStack() as stack:
        servers = []
        for name, src in sides:
            db = Path(tempfile.mkdtemp(dir=SCRATCH, prefix="side-")) / "propdesk.db"
            token, port = intake_token(db, "bench-side"), free_port()
            paths = [str(src), *filter(None, [os.environ.get("PYTHONPATH")])]
            env = [] if src is None else ["env", "PYTHONPATH=" + os.pathsep.join(paths)]
            argv = [
                *env,
                PROPDESK,
                "serve",
                "--db",
                str(db),
                "--port",
                str(port),
                "--log-level",
                "warning",
            ]
            servers.append(
                (
                    name,
                    token,
                    stack.enter_context(running(f"{name} (side by side)", argv, "/health", port)),
                )
            )
        tag = time.strftime("%Y%m%d%H%M%S")
        with ThreadPoolExecutor(len(servers)) as pool:
            for phase, length in (("warm", 2.0), ("run", seconds)):
                loads = {
                    name: pool.submit(
                        wrk,
                        server.url,
                        seconds=length,
                        connections=args.connections,
                        threads=1,
                        tag=f"{phase}-{tag}-{name.replace(' ', '-')}",
                        token=token,
                    )
                    for name, token, server in servers
                }
                runs = {name: load.result() for name, load in loads.items()}
    return runs["this tree"], runs["base"]


def run(args: argparse.Namespace) -> list[Figure]:
    ensure_wrk()
    rounds = args.rounds or (1 if args.quick else 4)
    seconds = args.seconds or (3.0 if args.quick else 15.0)
    base_src = _export(args.base)
    ratios: list[float] = []
    for number in range(rounds):
        ours, base = _round(number, base_src, args, seconds)
        if ours.errors or base.errors:
            raise RuntimeError(f"errors in round {number + 1}: {ours.errors} and {base.errors}")
        ratios.append(ours.rps / base.rps)
        console.print(
            f"round {number + 1}/{rounds}: this tree {ours.rps:,.0f} req/s "
            f"(p99 {ours.p99_ms:.1f} ms), {args.base} {base.rps:,.0f} req/s "
            f"(p99 {base.p99_ms:.1f} ms): {ratios[-1]:.3f} x"
        )
    mean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    note = f"{rounds} rounds of {seconds:.0f} s, both at once; rounds " + ", ".join(
        f"{r:.3f}" for r in ratios
    )
    return [Figure("side by side", f"this tree / {args.base} requests/s", mean, "x", note=note)]


if __name__ == "__main__":
    piece_main("side by side", add_arguments, run, __doc__)
