"""Command latency in-process: dispatch and complete on repair cases that hold 200 events.

Two pools of repair cases are written once and cached in bench/data/ (in RAM first
when there is a RAM-backed directory, like the histories):

- dispatch pool: received, dispatched (through the service's commands), then 99
  hold/resume pairs: 200 events, state `dispatched`, where a dispatch (to another
  engineer) is allowed;
- complete pool: received, dispatched, signed, arrived, then 98 hold/resume pairs:
  200 events, state `on_site`, where complete is allowed.

Each measurement copies the pools to a scratch file on disk, opens the application
service on it (api.wiring.open_service) and times `dispatch` and `complete`, each once
on every case, interleaved, from the service call to its return (load, decide,
save: one SQLite transaction). A few cases warm up first and are not counted.
Target: p99 <= 5 ms.

    .venv/bin/python bench/command_latency.py [--cases 500] [--quick]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from databases import checkpoint, fast_directory, scratch_copy
from figures import Figure, percentile, piece_main
from paths import DATA
from terminal import console, progress

from api.config.settings import Settings
from api.wiring import open_service
from workflow.case import Stamp
from workflow.intake import NewRequest
from workflow.service import CaseService

EVENTS = 200
WARMUP = 10
TARGET_P99_MS = 5.0
DESK, ENGINEER, OTHER = "desk-zhang", "eng-wang", "eng-zhou"


def _receive(app: CaseService, number: int) -> str:
    request = NewRequest(
        kind="repair",
        channel="phone",
        location=f"{number % 30 + 1}-{number % 4 + 1}-{number % 18 + 1}01",
        category="plumbing",
        priority="normal",
        description="the kitchen tap drips",
        received_by=DESK,
    )
    return str(app.receive(request).case.id)


def _grow(app: CaseService, case_id: str, pairs: int) -> None:
    """Hold/resume pairs, decided by the case itself as the commands would, saved at once
    (one transaction; the snapshots every 50 versions are taken as for single saves)."""
    case = app.get(case_id)
    for _ in range(pairs):
        case.hold(Stamp(ENGINEER, app.clock()), reason="waiting for a part")
        case.resume(Stamp(ENGINEER, app.clock()))
    app.save(case)


def build(cases: int) -> Path:
    """Both pools, cached: bench/data/cases200-nN.db and its list of case ids."""
    name = f"cases{EVENTS}-n{cases}"
    db, ids_file = DATA / f"{name}.db", DATA / f"{name}.json"
    if db.exists() and ids_file.exists():
        return db
    DATA.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="propdesk-bench-", dir=fast_directory() or DATA))
    try:
        written = work / f"{name}.db"
        app = open_service(Settings.load({}, db=str(written)))
        pools: dict[str, list[str]] = {"dispatch": [], "complete": []}
        bar = progress(unit="cases")
        with bar:
            task = bar.add_task(f"writing 2 x {cases} cases of {EVENTS} events", total=2 * cases)
            for number in range(cases):
                case_id = _receive(app, number)
                app.dispatch(case_id, actor=DESK, assignee=ENGINEER)
                _grow(app, case_id, (EVENTS - 2) // 2)
                assert app.get(case_id).version == EVENTS
                pools["dispatch"].append(case_id)
                bar.advance(task)

                case_id = _receive(app, number)
                app.dispatch(case_id, actor=DESK, assignee=ENGINEER)
                app.sign(case_id, actor=ENGINEER)
                app.arrive(case_id, actor=ENGINEER)
                _grow(app, case_id, (EVENTS - 4) // 2)
                case = app.get(case_id)
                assert (case.version, case.state) == (EVENTS, "on_site"), case.state
                pools["complete"].append(case_id)
                bar.advance(task)
        app.close()
        checkpoint(written)
        db.unlink(missing_ok=True)
        shutil.move(str(written), db)
        ids_file.write_text(json.dumps(pools) + "\n")
        return db
    finally:
        shutil.rmtree(work, ignore_errors=True)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=int, help="cases per command [500; quick 20]")


def run(args: argparse.Namespace) -> list[Figure]:
    cases = args.cases or (20 if args.quick else 500)
    total = cases + WARMUP
    cached = build(total)
    pools = json.loads(cached.with_suffix(".json").read_text())
    db = scratch_copy(cached, "commands", read_models=False)
    app = open_service(Settings.load({}, db=str(db)))
    timings: dict[str, list[float]] = {"dispatch": [], "complete": []}
    try:
        bar = progress(unit="commands")
        with bar:
            task = bar.add_task("dispatch and complete on 200-event cases", total=2 * total)
            for number, (one, two) in enumerate(
                zip(pools["dispatch"], pools["complete"], strict=True)
            ):
                started = time.perf_counter()
                app.dispatch(one, actor=DESK, assignee=OTHER)
                dispatched = time.perf_counter() - started
                started = time.perf_counter()
                app.complete(two, actor=ENGINEER, resolution="replaced the washer")
                completed = time.perf_counter() - started
                if number >= WARMUP:
                    timings["dispatch"].append(dispatched * 1000)
                    timings["complete"].append(completed * 1000)
                bar.advance(task, 2)
    finally:
        app.close()
    console.print(
        "command latency: "
        + "; ".join(
            f"{name} p50 {percentile(ms, 50):.2f} ms p99 {percentile(ms, 99):.2f} ms "
            f"max {max(ms):.2f} ms"
            for name, ms in timings.items()
        )
    )
    out = []
    for name, ms in timings.items():
        where = f"{len(ms)} cases of {EVENTS} events, SQLite on disk"
        p99 = percentile(ms, 99)
        out += [
            Figure("command latency", f"{name} p50", percentile(ms, 50), "ms", note=where),
            Figure(
                "command latency",
                f"{name} p99",
                p99,
                "ms",
                target=f"<= {TARGET_P99_MS:g} ms",
                met=p99 <= TARGET_P99_MS,
                note=where,
                extra={"max_ms": round(max(ms), 3), "samples": len(ms)},
            ),
        ]
    return out


if __name__ == "__main__":
    piece_main("command latency (in-process)", add_arguments, run, __doc__)
