"""Rebuild speed against the bare rate of reading and decoding the same log.

Both are measured in one run on one database, alternating, so the ratio holds on
any machine: the machine's speed drifts (a shared VM), so each run pairs the two
measurements back to back, and the headline is the median of the runs' own ratios.
Target: rebuild >= 0.5 x read-and-decode.

    .venv/bin/python bench/rebuild.py [--events 100000] [--runs 3] [--db FILE] [--quick]

Writes bench/results/rebuild.json too (docs/projections.md points at it).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from databases import close_follower
from figures import Figure, piece_main, write_json
from histories import history
from machine import machine_info
from paths import RESULTS
from terminal import console, progress

from api.config.settings import Settings
from api.wiring import open_follower, open_service

TARGET_RATIO = 0.5
Report = Callable[[int], None]  # events done so far


def read_and_decode(db: str, report: Report) -> tuple[int, float]:
    app = open_service(Settings.load({}, db=db))
    try:
        started = time.perf_counter()
        count, position = 0, 0
        while notes := app.recorder.select_notifications(
            start=position, limit=2000, inclusive_of_start=False
        ):
            for note in notes:
                app.mapper.to_domain_event(note)
            count += len(notes)
            position = notes[-1].id
            report(position)
        return count, time.perf_counter() - started
    finally:
        app.close()


def rebuild(db: str, report: Report) -> tuple[int, float]:
    settings = Settings.load({}, db=db)
    follower = open_follower(settings, settings.policy, rebuilding=True)
    try:
        started = time.perf_counter()
        count = follower.rebuild(lambda position, _head: report(position))
        return count, time.perf_counter() - started
    finally:
        close_follower(follower)


def log_head(db: str) -> int:
    app = open_service(Settings.load({}, db=db))
    try:
        return int(app.recorder.max_notification_id() or 0)
    finally:
        app.close()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, help="about how many events [100000; quick 2000]")
    parser.add_argument("--runs", type=int, help="paired runs [3; quick 1]")
    parser.add_argument("--db", type=Path, help="an existing events file instead of a history")


def run(args: argparse.Namespace) -> list[Figure]:
    events = args.events or (2000 if args.quick else 100_000)
    runs = args.runs or (1 if args.quick else 3)
    db = str(args.db or history(events).db)
    head = log_head(db)

    raw_rates, rebuild_rates, ratios = [], [], []
    count = 0
    bar = progress(unit="events")
    with bar:
        for number in range(runs):
            rates = {}
            for name in ("raw", "rebuild") if number % 2 == 0 else ("rebuild", "raw"):
                label = "read+decode" if name == "raw" else "rebuild"
                task = bar.add_task(f"run {number + 1}/{runs} {label}", total=max(head, 1))
                measure = read_and_decode if name == "raw" else rebuild
                count, seconds = measure(
                    db, lambda done, task=task: bar.update(task, completed=done)
                )
                bar.update(task, completed=head)
                rates[name] = count / seconds
                console.print(
                    f"run {number + 1} {label:11} {count:,} events in {seconds:.2f} s "
                    f"= {count / seconds:,.0f}/s"
                )
            raw_rates.append(rates["raw"])
            rebuild_rates.append(rates["rebuild"])
            ratios.append(rates["rebuild"] / rates["raw"])
    raw, built = statistics.median(raw_rates), statistics.median(rebuild_rates)
    ratio = statistics.median(ratios)
    result = {
        "benchmark": "rebuild",
        "measured_at": datetime.now(UTC).isoformat(),
        "machine": machine_info(),
        "db": db,
        "events": count,
        "runs": runs,
        "read_and_decode_per_second": round(raw),
        "rebuild_per_second": round(built),
        "ratio": round(ratio, 3),
        "ratios": [round(r, 3) for r in ratios],
        "target_ratio": TARGET_RATIO,
        "met": ratio >= TARGET_RATIO,
        "quick": bool(args.quick),
    }
    if not args.quick:
        write_json(RESULTS / "rebuild.json", result)
    detail = {"events": count, "runs": runs, "ratios": result["ratios"]}
    where = f"{count:,} events, median of {runs} run(s)"
    return [
        Figure("rebuild", "read and decode", raw, "events/s", note=where, extra=detail),
        Figure("rebuild", "rebuild every read model", built, "events/s", note=where),
        Figure(
            "rebuild",
            "rebuild / read-and-decode",
            ratio,
            "x",
            target=f">= {TARGET_RATIO}x",
            met=ratio >= TARGET_RATIO,
            note="median of the paired runs' ratios",
        ),
    ]


if __name__ == "__main__":
    piece_main("rebuild vs read-and-decode", add_arguments, run, __doc__)
