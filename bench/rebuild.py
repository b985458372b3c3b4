"""Rebuild speed against the bare rate of reading and decoding the same log.

Both are measured in one run on one database, alternating, so the ratio holds
on any machine. Target (issue #3): rebuild >= 0.5 x read-and-decode.

    .venv/bin/python bench/rebuild.py [--households 5000] [--days 30] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from api.settings import Settings
from api.simulator import Scenario, simulate
from api.wiring import open_follower, open_service

HERE = Path(__file__).resolve().parent
console = Console()


def read_and_decode(db: str) -> tuple[int, float]:
    app = open_service(Settings.load({}, db=db))
    started = time.perf_counter()
    count, position = 0, 0
    while notes := app.recorder.select_notifications(
        start=position, limit=2000, inclusive_of_start=False
    ):
        for note in notes:
            app.mapper.to_domain_event(note)
        count += len(notes)
        position = notes[-1].id
    return count, time.perf_counter() - started


def rebuild(db: str) -> tuple[int, float]:
    settings = Settings.load({}, db=db)
    follower = open_follower(settings, settings.policy, rebuilding=True)
    started = time.perf_counter()
    count = follower.rebuild()
    return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", default=str(HERE / "data" / "rebuild.db"))
    args = parser.parse_args()

    db = Path(args.db)
    db.parent.mkdir(parents=True, exist_ok=True)
    if not db.exists():
        with console.status(f"simulating {args.days} days of {args.households} households"):
            simulate(
                Settings.load({}, db=str(db)),
                Scenario(households=args.households, days=args.days, seed=1),
            )

    # The machine's speed drifts (a shared VM): each run pairs the two measurements
    # back to back, and the headline is the median of the runs' own ratios.
    raw_rates, rebuild_rates, ratios = [], [], []
    for run in range(args.runs):
        rates = {}
        for name in ("raw", "rebuild") if run % 2 == 0 else ("rebuild", "raw"):
            count, seconds = (read_and_decode if name == "raw" else rebuild)(str(db))
            rates[name] = count / seconds
            console.print(
                f"run {run + 1} {name:8} {count} events in {seconds:.2f} s "
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
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
        },
        "events": count,
        "runs": args.runs,
        "read_and_decode_per_second": round(raw),
        "rebuild_per_second": round(built),
        "ratio": round(ratio, 3),
        "ratios": [round(r, 3) for r in ratios],
        "target_ratio": 0.5,
        "met": ratio >= 0.5,
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "rebuild.json").write_text(json.dumps(result, indent=2) + "\n")
    table = Table(title="rebuild vs read-and-decode (medians; ratio: median of paired runs)")
    for column in ("events", "read+decode /s", "rebuild /s", "ratio", "target", "met"):
        table.add_column(column, justify="right")
    table.add_row(
        str(count),
        f"{raw:,.0f}",
        f"{built:,.0f}",
        f"{ratio:.2f}",
        ">= 0.50",
        "yes" if result["met"] else "NO",
    )
    console.print(table)


if __name__ == "__main__":
    main()
