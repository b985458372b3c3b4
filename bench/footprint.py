"""Memory: the server's peak resident memory on a store of N events, and a full rebuild's.

Server: the history (by default about one million events; see histories.py) with its
read models brought up to date is copied to scratch; `propdesk serve` (default
settings: one worker per CPU and the read-model follower, each a process) starts on
the copy and takes intake load from wrk (bench/intake.lua) for a while. Its process
tree is sampled every 0.1 s from start to stop: the peak of the summed PSS judges the
target (pages the processes share, such as the interpreter's, counted once in all);
the peak of the summed RSS (shared pages counted in each) is shown beside it.

Rebuild: `propdesk projections rebuild` on the same history, sampled every 0.1 s with
the reader process it forks: the peak of their summed PSS (proportional set size:
a page shared by the fork is split between the two, so this is what they hold)
judges the target; the peak of their summed RSS (shared pages counted twice) and
their own peaks (VmHWM, read at each sample) added up are shown beside it.

Targets: server <= 300 MB after 1M events; rebuild <= 500 MB.

    .venv/bin/python bench/footprint.py [--events 1000000] [--seconds 20] [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import time

from databases import scratch_copy
from figures import Figure, piece_main
from histories import history
from memory import MB, MemorySampler
from paths import PROPDESK, ROOT
from servers import free_port, intake_token, running
from terminal import console
from whatif import bring_up_to_date
from wrk import ensure_wrk, wrk

SERVER_MB = 300
REBUILD_MB = 500
JUDGED_FROM = 1_000_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, help="about how many events [1000000; quick 5000]")
    parser.add_argument("--seconds", type=float, help="seconds of intake load [20; quick 3]")
    parser.add_argument("--connections", type=int, default=16)


def server_memory(args: argparse.Namespace, events: int, seconds: float) -> list[Figure]:
    ensure_wrk()
    found = history(events)
    head = bring_up_to_date(found)
    db = scratch_copy(found.db, "footprint")
    token = intake_token(db, "bench-footprint")
    port = free_port()
    argv = [PROPDESK, "serve", "--db", str(db), "--port", str(port), "--log-level", "warning"]
    with (
        running("propdesk (footprint)", argv, "/health", port) as server,
        MemorySampler(server.process.pid) as sampler,
    ):
        sampler.sample()
        ready = sampler.peak_pss_kb * 1024 / MB
        with console.status(f"intake load on the server for {seconds:.0f} s"):
            load = wrk(
                server.url,
                seconds=seconds,
                connections=args.connections,
                threads=1,
                tag=f"footprint-{time.strftime('%Y%m%d%H%M%S')}",
                token=token,
            )
        time.sleep(1)  # let the follower write the last page
    pss, rss = sampler.peak_pss_kb * 1024 / MB, sampler.peak_rss_kb * 1024 / MB
    console.print(
        f"server on {head:,} events: {ready:.0f} MB PSS ready, peak {pss:.0f} MB PSS "
        f"({rss:.0f} MB RSS) over {sampler.processes} processes after {load.requests:,} intakes"
    )
    judged = head >= JUDGED_FROM
    return [
        Figure(
            "memory",
            f"server peak PSS on {head:,} events",
            pss,
            "MB",
            target=f"<= {SERVER_MB} MB after 1M events",
            met=(pss <= SERVER_MB) if judged else None,
            note=f"{sampler.processes} processes summed, sampled every 0.1 s under "
            f"{load.requests:,} intakes over {load.seconds:.0f} s; RSS summed {rss:.0f} MB; "
            f"{ready:.0f} MB when ready" + ("" if judged else "; not judged: fewer than 1M events"),
            extra={
                "ready_mb": round(ready, 1),
                "rss_mb": round(rss, 1),
                "processes": sampler.processes,
                "errors": load.errors,
            },
        )
    ]


def rebuild_memory(events: int) -> list[Figure]:
    found = history(events)
    argv = [PROPDESK, "projections", "rebuild", "--db", str(found.db)]
    with console.status(f"propdesk projections rebuild on {found.events:,} events (sampled)"):
        process = subprocess.Popen(
            argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        with MemorySampler(process.pid) as sampler:
            _, errors = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"the rebuild failed:\n{errors[-2000:]}")
    pss, rss = sampler.peak_pss_kb * 1024 / MB, sampler.peak_rss_kb * 1024 / MB
    console.print(
        f"rebuild of {found.events:,} events: peak PSS {pss:.0f} MB, peak RSS {rss:.0f} MB "
        f"over {sampler.processes} processes"
    )
    judged = found.events >= JUDGED_FROM
    return [
        Figure(
            "memory",
            f"rebuild peak PSS on {found.events:,} events",
            pss,
            "MB",
            target=f"<= {REBUILD_MB} MB (1M events)",
            met=(pss <= REBUILD_MB) if judged else None,
            note=("" if judged else "not judged: fewer than 1M events; ")
            + f"{sampler.processes} processes summed, sampled every 0.1 s; "
            f"summed RSS {rss:.0f} MB; the processes' VmHWM added up "
            f"{sampler.hwm_sum_kb / 1024:.0f} MB",
            extra={
                "peak_rss_mb": round(rss, 1),
                "main_hwm_mb": round(sampler.peak_hwm_kb / 1024, 1),
                "hwm_sum_mb": round(sampler.hwm_sum_kb / 1024, 1),
                "processes": sampler.processes,
            },
        )
    ]


def run(args: argparse.Namespace) -> list[Figure]:
    events = args.events or (5000 if args.quick else 1_000_000)
    seconds = args.seconds or (3 if args.quick else 20)
    return server_memory(args, events, seconds) + rebuild_memory(events)


if __name__ == "__main__":
    piece_main("memory", add_arguments, run, __doc__)
