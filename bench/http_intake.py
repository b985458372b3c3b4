"""Intake over HTTP: `propdesk serve` against a minimal FastAPI + eventsourcing baseline.

Both servers run side by side on fresh SQLite files (propdesk with its default
settings: one worker process per CPU, at most 4, and the read-model follower in a
process of its own; the baseline one process, as uvicorn runs an app by default),
and the same wrk script (bench/intake.lua: a unique Idempotency-Key and body per
request) drives each at the same number of keep-alive connections. Runs alternate,
the order flipping every round (propdesk, baseline, baseline, propdesk, ...), so a
drift of the machine's speed touches both alike; the rps ratio is the median of the
rounds' own ratios.
Targets: propdesk >= 1.5 x the baseline's requests per second, with a
p99 latency no higher than the baseline's.

    .venv/bin/python bench/http_intake.py [--seconds 30] [--runs 3] [--connections 16] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from databases import remove_database
from figures import Figure, piece_main
from paths import HERE, PROPDESK, SCRATCH
from servers import Server, free_port, intake_token, running
from terminal import console
from wrk import WrkRun, ensure_wrk, wrk

RPS_RATIO = 1.5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, help="length of each measured run [30; quick 3]")
    parser.add_argument("--runs", type=int, help="measured runs per server [3; quick 1]")
    parser.add_argument(
        "--warmup", type=float, help="seconds of load before measuring [5; quick 1]"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument(
        "--log-level", default="warning", help="uvicorn's log level for both servers"
    )


def propdesk_server(db: Path, port: int, log_level: str) -> list[str]:
    return [PROPDESK, "serve", "--db", str(db), "--port", str(port), "--log-level", log_level]


def baseline_server(db: Path, port: int, log_level: str) -> list[str]:
    script = str(HERE / "baseline_app.py")
    return [sys.executable, script, "--db", str(db), "--port", str(port), "--log-level", log_level]


def run(args: argparse.Namespace) -> list[Figure]:
    seconds = args.seconds or (3 if args.quick else 30)
    runs = args.runs or (1 if args.quick else 3)
    warmup = args.warmup if args.warmup is not None else (1 if args.quick else 5)
    ensure_wrk()
    SCRATCH.mkdir(parents=True, exist_ok=True)
    ours_db, base_db = SCRATCH / "http-propdesk.db", SCRATCH / "http-baseline.db"
    remove_database(ours_db)
    remove_database(base_db)
    token = intake_token(ours_db, "bench-intake")
    ours_port, base_port = free_port(), free_port()
    results: dict[str, list[WrkRun]] = {"propdesk": [], "baseline": []}
    stamp = time.strftime("%Y%m%d%H%M%S")

    def load(server: Server, tag: str, length: float) -> WrkRun:
        return wrk(
            server.url,
            seconds=length,
            connections=args.connections,
            threads=args.threads,
            tag=f"{stamp}-{tag}",
            token=token,
        )

    with (
        running(
            "propdesk", propdesk_server(ours_db, ours_port, args.log_level), "/health", ours_port
        ) as ours,
        running(
            "baseline", baseline_server(base_db, base_port, args.log_level), "/health", base_port
        ) as base,
    ):
        servers = {"propdesk": ours, "baseline": base}
        if warmup > 0:
            with console.status("warming up both servers"):
                for name, server in servers.items():
                    load(server, f"warmup-{name}", warmup)
        total = 2 * runs
        step = 0
        for number in range(runs):
            order = ("propdesk", "baseline") if number % 2 == 0 else ("baseline", "propdesk")
            for name in order:
                step += 1
                with console.status(
                    f"run {step}/{total}: {name}, {args.connections} connections, {seconds:.0f} s"
                ):
                    measured = load(servers[name], f"{name}-{number}", seconds)
                results[name].append(measured)
                console.print(
                    f"run {step}/{total} {name:8} {measured.rps:8,.0f} req/s  "
                    f"p50 {measured.p50_ms:6.2f} ms  p99 {measured.p99_ms:7.2f} ms  "
                    f"errors {measured.errors}"
                )
    return figures(results, args.connections, seconds)


def figures(results: dict[str, list[WrkRun]], connections: int, seconds: float) -> list[Figure]:
    ours, base = results["propdesk"], results["baseline"]
    runs = len(ours)
    errors = {name: sum(r.errors for r in rs) for name, rs in results.items()}
    how = f"{connections} connections, median of {runs} x {seconds:.0f} s"

    def median(rs: list[WrkRun], attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in rs)

    rps_ratio = statistics.median(o.rps / b.rps for o, b in zip(ours, base, strict=True))
    p99_ratio = statistics.median(o.p99_ms / b.p99_ms for o, b in zip(ours, base, strict=True))
    error_note = "" if not any(errors.values()) else f"errors: {errors} (non-2xx or socket errors)"
    detail = {
        name: [r.__dict__ | {"rps": round(r.rps, 1)} for r in rs] for name, rs in results.items()
    }
    out = []
    for name, rs in (("propdesk", ours), ("baseline", base)):
        out += [
            Figure("http intake", f"{name} requests/s", median(rs, "rps"), "req/s", note=how),
            Figure("http intake", f"{name} p50 latency", median(rs, "p50_ms"), "ms", note=how),
            Figure("http intake", f"{name} p99 latency", median(rs, "p99_ms"), "ms", note=how),
        ]
    out[0].extra = detail
    out += [
        Figure(
            "http intake",
            "propdesk / baseline requests/s",
            rps_ratio,
            "x",
            target=f">= {RPS_RATIO}x",
            met=rps_ratio >= RPS_RATIO and not errors["propdesk"],
            note=error_note or "median of the rounds' ratios",
        ),
        Figure(
            "http intake",
            "propdesk p99 / baseline p99",
            p99_ratio,
            "x",
            target="<= 1x (p99 <= baseline's)",
            met=p99_ratio <= 1 and not errors["propdesk"],
            note="median of the rounds' ratios",
        ),
    ]
    return out


if __name__ == "__main__":
    piece_main("intake over HTTP (wrk)", add_arguments, run, __doc__)
