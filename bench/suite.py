"""propdesk's benchmark suite: `make bench`.

Writes the histories it needs (cached in bench/data/), runs every benchmark in a
fresh process of its own, and writes bench/results/latest.json (machine, command,
every figure with its target and whether it was met), bench/results/latest.md and a
table on stdout. `--update-docs` also rewrites the figures in docs/benchmarks.md.
`--quick` runs every benchmark on tiny sizes (a smoke run, seconds each) and writes
bench/results/quick.json and quick.md instead, never the docs.

    .venv/bin/python bench/suite.py [--quick] [--only http,commands,...] [--update-docs]

benchmarks (in this order):
  http      intake over HTTP, propdesk serve vs a minimal FastAPI baseline (http_intake.py)
  webhooks  intake while a webhook hangs or answers 500, vs none (webhook_intake.py)
  warnings  from a warning's instant to its webhook, through `propdesk serve`
            (warning_delays.py; also on PostgreSQL with --postgres URL)
  commands  dispatch and complete on cases of 200 events, in-process (command_latency.py)
  rebuild   rebuilding every read model vs reading and decoding the log (rebuild.py)
  replay    propdesk replay --policy over the largest history (whatif.py)
  communities  one community's reports vs the company's, the largest history over 20
            communities (community_reports.py; written once, like the others)
  console   the web console's pages on the largest history, live and past views
            (console_pages.py)
  audit     the audit tree's rate, audit verify and a case's proof over HTTP, on the
            largest history (audit.py)
  scale     intake and command cost at each history size (scale.py)
  memory    the server's and a rebuild's peak memory on the largest history (footprint.py)
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from figures import Figure, figures_markdown, figures_table, load_figures, write_json
from histories import DAYS, cached
from machine import machine_info
from paths import HERE, RESULTS, ROOT
from terminal import console

from api.config.redaction import redact_url

PIECES = {
    "http": "http_intake.py",
    "webhooks": "webhook_intake.py",
    "warnings": "warning_delays.py",
    "commands": "command_latency.py",
    "rebuild": "rebuild.py",
    "replay": "whatif.py",
    "communities": "community_reports.py",
    "console": "console_pages.py",
    "audit": "audit.py",
    "scale": "scale.py",
    "memory": "footprint.py",
}
FULL_SIZES = [10_000, 100_000, 1_000_000]
QUICK_SIZES = [1000, 2000, 5000]
DOCS = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"


def sizes_argument(text: str) -> list[int]:
    return sorted(int(part.replace("_", "")) for part in text.split(",") if part.strip())


def pieces_argument(text: str) -> list[str]:
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [p for p in chosen if p not in PIECES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown: {', '.join(unknown)}; known: {', '.join(PIECES)}"
        )
    return chosen


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("--quick", action="store_true", help="tiny sizes and short runs: a smoke run")
    add("--only", type=pieces_argument, help="comma-separated benchmarks to run [all]")
    add("--sizes", type=sizes_argument, help="history sizes in events [10000,100000,1000000]")
    add("--out", type=Path, help="results file [bench/results/latest.json; quick: quick.json]")
    add("--update-docs", action="store_true", help="rewrite the figures in docs/benchmarks.md")
    group = parser.add_argument_group("http")
    group.add_argument("--http-seconds", type=float, help="each measured run [30; quick 3]")
    group.add_argument("--http-runs", type=int, help="measured runs per server [3; quick 1]")
    group.add_argument("--connections", type=int, default=16, help="keep-alive connections")
    group.add_argument("--wrk-threads", type=int, default=1)
    group = parser.add_argument_group("warnings")
    group.add_argument(
        "--postgres",
        metavar="URL",
        help="an empty PostgreSQL database: the warnings are measured on it too [SQLite only]",
    )
    group = parser.add_argument_group("commands")
    group.add_argument(
        "--command-cases", type=int, help="200-event cases per command [500; quick 20]"
    )
    group = parser.add_argument_group("rebuild, replay, memory")
    group.add_argument("--rebuild-events", type=int, help="history to rebuild [largest size]")
    group.add_argument("--rebuild-runs", type=int, help="paired runs [5; quick 1]")
    group.add_argument("--replay-runs", type=int, help="timed replays [3; quick 1]")
    group.add_argument(
        "--memory-seconds", type=float, help="intake load on the server [20; quick 3]"
    )
    group = parser.add_argument_group("scale")
    group.add_argument(
        "--scale-samples", type=int, help="intakes and commands per size [500; quick 30]"
    )
    args = parser.parse_args(argv)
    if args.quick and args.update_docs:
        parser.error("--update-docs records a full run; a --quick run never goes into the docs")
    return args


def piece_arguments(name: str, args: argparse.Namespace, sizes: list[int]) -> list[str]:
    largest = sizes[-1]

    def given(flag: str, value: object) -> list[str]:
        return [] if value is None else [flag, str(value)]

    if name == "http":
        return [
            *given("--seconds", args.http_seconds),
            *given("--runs", args.http_runs),
            *given("--connections", args.connections),
            *given("--threads", args.wrk_threads),
        ]
    if name == "webhooks":
        return given("--connections", args.connections)
    if name == "warnings":
        return given("--db", getattr(args, "warnings_db", None))
    if name == "commands":
        return given("--cases", args.command_cases)
    if name == "rebuild":
        runs = args.rebuild_runs or (1 if args.quick else 5)
        return ["--events", str(args.rebuild_events or largest), "--runs", str(runs)]
    if name == "replay":
        return ["--events", str(largest), *given("--runs", args.replay_runs)]
    if name == "communities":
        return ["--events", str(largest)]
    if name in ("console", "audit"):
        return ["--events", str(largest)]
    if name == "scale":
        return ["--sizes", ",".join(map(str, sizes)), *given("--samples", args.scale_samples)]
    if name == "memory":
        return [
            "--events",
            str(largest),
            *given("--seconds", args.memory_seconds),
            *given("--connections", args.connections),
        ]
    raise ValueError(name)


def run_piece(name: str, args: argparse.Namespace, sizes: list[int]) -> tuple[list[Figure], float]:
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / f"{name}.json"
        argv = [sys.executable, str(HERE / PIECES[name]), "--out", str(out)]
        argv += ["--quick"] if args.quick else []
        argv += piece_arguments(name, args, sizes)
        shown = shlex.join(["bench/" + PIECES[name], *map(redact_url, argv[2:])])
        console.rule(f"[bold]{name}[/bold]: {shown}")
        started = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT)
        seconds = time.perf_counter() - started
        if done.returncode != 0 or not out.exists():
            failed = Figure(name, "benchmark failed", None, "", note=f"exit {done.returncode}")
            return [failed], seconds
        return load_figures(out), seconds


def histories_step(sizes: list[int]) -> tuple[list[dict[str, object]], list[Figure]]:
    missing = [n for n in sizes if cached(n) is None]
    if missing:
        console.rule("[bold]histories[/bold]: written once, cached in bench/data/")
        subprocess.run(
            [sys.executable, str(HERE / "histories.py"), *map(str, missing)], cwd=ROOT, check=True
        )
    found = []
    for n in sizes:
        history = cached(n)
        assert history is not None
        found.append(history)
    figures = [
        Figure(
            "histories",
            f"simulator writes ({h.events:,} events)",
            h.write_rate,
            "events/s",
            note=f"{h.households:,} households x {h.days} days, written in {h.written_in}"
            + (" (this run)" if h.target_events in missing else " (cached)"),
        )
        for h in found
    ]
    return [asdict(h) for h in found], figures


def command_line() -> str:
    """The command as run, any database password in it hidden: the results are kept."""
    python = os.path.relpath(sys.executable, ROOT)
    script = os.path.relpath(sys.argv[0], ROOT)
    return shlex.join([python, script, *map(redact_url, sys.argv[1:])])


def update_docs(document: dict[str, object], figures: list[Figure]) -> None:
    text = DOCS.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{DOCS} has no {BEGIN} ... {END} block to rewrite")
    block = "\n".join([BEGIN, render_markdown(document, figures).rstrip(), END])
    DOCS.write_text(
        re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    )
    console.print(f"rewrote the figures in {DOCS.relative_to(ROOT)}")


def render_markdown(document: dict[str, object], figures: list[Figure]) -> str:
    machine = document["machine"]
    assert isinstance(machine, dict)
    counts = document["summary"]
    assert isinstance(counts, dict)
    lines = [
        f"Measured {document['measured_at']} in {document['duration_seconds']:.0f} s"
        + (" (**quick: a smoke run, not a measurement**)" if document["quick"] else "")
        + ".",
        "",
        f"- command: `{document['command']}`"
        + (f" (through `{document['invoked_by']}`)" if document.get("invoked_by") else ""),
        f"- machine: {machine['cpu']}, {machine['cpus']} CPUs, {machine['memory_gib']} GiB; "
        f"{machine['platform']}; Python {machine['python']}, SQLite {machine['sqlite']}, "
        f"eventsourcing {machine['eventsourcing']}, FastAPI {machine['fastapi']}, "
        f"uvicorn {machine['uvicorn']}, {machine['wrk'] or 'no wrk'}; "
        f"load average at start {machine['load_average_at_start']}, "
        f"at end {machine['load_average_at_end']}",
        f"- propdesk: `{machine['propdesk_commit']}`",
        f"- targets: {counts['met']} met, {counts['not_met']} not met, "
        f"{counts['not_judged']} not judged",
        "",
        figures_markdown(figures),
    ]
    return "\n".join(lines)


def main() -> None:
    args = parse()
    sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    chosen = args.only or list(PIECES)
    out = args.out or RESULTS / ("quick.json" if args.quick else "latest.json")
    started_at, started = datetime.now(UTC), time.perf_counter()
    machine = machine_info()
    console.print(
        f"propdesk benchmarks{' (QUICK: smoke run)' if args.quick else ''}: "
        f"{', '.join(chosen)}; histories of {', '.join(f'{n:,}' for n in sizes)} events "
        f"({DAYS} days each)"
    )
    datasets, figures = histories_step(sizes)
    timings: dict[str, float] = {}
    for name in chosen:
        found, seconds = run_piece(name, args, sizes)
        figures += found
        timings[name] = round(seconds, 1)
        if name == "warnings" and args.postgres:
            found, seconds = run_piece(
                name, argparse.Namespace(**vars(args), warnings_db=args.postgres), sizes
            )
            figures += found
            timings["warnings on PostgreSQL"] = round(seconds, 1)
    judged = [f.met for f in figures if f.met is not None]
    document: dict[str, object] = {
        "suite": "propdesk benchmarks",
        "measured_at": started_at.isoformat(timespec="seconds"),
        "duration_seconds": round(time.perf_counter() - started, 1),
        "quick": args.quick,
        "command": command_line(),
        "invoked_by": "make bench" if os.environ.get("MAKELEVEL") else None,
        "machine": machine | {"load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "sizes": sizes,
        "benchmarks": chosen,
        "seconds_per_benchmark": timings,
        "histories": datasets,
        "summary": {
            "met": judged.count(True),
            "not_met": judged.count(False),
            "not_judged": sum(1 for f in figures if f.target and f.met is None),
            "failed": [f.benchmark for f in figures if f.name == "benchmark failed"],
        },
        "figures": [asdict(f) for f in figures],
    }
    write_json(out, document)
    out.with_suffix(".md").write_text(render_markdown(document, figures))
    title = "propdesk benchmarks" + (" — QUICK SMOKE RUN, not a measurement" if args.quick else "")
    console.print(figures_table(title, figures))
    console.print(
        f"wrote {os.path.relpath(out, ROOT)} and {os.path.relpath(out.with_suffix('.md'), ROOT)}"
    )
    if args.update_docs:
        update_docs(document, figures)
    if document["summary"]["failed"]:  # type: ignore[index]
        raise SystemExit(1)


if __name__ == "__main__":
    main()
