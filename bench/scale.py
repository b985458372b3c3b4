"""Scale: the cost of an intake and of a command as the store grows.

For each history size (by default about 10 thousand, 100 thousand and one million
events, written by the simulator and cached; see histories.py) the events file is
copied to a scratch file on disk and the application service is opened on each copy
(api.wiring.open_service). Round after round, on each size in turn (so a drift of
the machine's speed touches all alike), an intake (a new repair with its own
idempotency key, so the store is asked whether the key was used) and a command
(dispatch of the case just received) are timed. The curve must stay flat:
the median cost with the largest history within 1.2 x that with the smallest.

    .venv/bin/python bench/scale.py [--sizes 10000,100000,1000000] [--samples 500] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

from databases import scratch_copy
from figures import Figure, percentile, piece_main
from histories import History, history
from terminal import console, progress

from api.config.settings import Settings
from api.wiring import open_service
from workflow.intake import NewRequest

FLAT = 1.2
WARMUP = 20
JUDGED_FROM = 1_000_000  # the target speaks of one million events


def sizes_argument(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sizes",
        type=sizes_argument,
        help="history sizes in events, comma-separated "
        "[10000,100000,1000000; quick 1000,2000,5000]",
    )
    parser.add_argument("--samples", type=int, help="intakes and commands per size [500; quick 30]")


def _request(run: str, number: int) -> NewRequest:
    return NewRequest(
        kind="repair",
        channel="wechat",
        location=f"{number % 30 + 1}-{number % 4 + 1}-{number % 18 + 1}02",
        category="electrical",
        priority="normal",
        description=f"the corridor light is out ({run}-{number})",
        received_by="desk-li",
        idempotency_key=f"scale-{run}-{number}",
    )


def measure(found: list[History], samples: int) -> dict[int, dict[str, list[float]]]:
    """Round-robin over the sizes, one intake and one command on each per round, so that a
    drift of the machine's speed touches every size alike."""
    apps = {}
    for number, history_ in enumerate(found):
        db = scratch_copy(history_.db, f"scale-{number}", read_models=False)
        apps[history_.events] = open_service(Settings.load({}, db=str(db)))
    timings = {events: {"intake": [], "command": []} for events in apps}
    run = uuid.uuid4().hex[:8]
    try:
        bar = progress(unit="rounds")
        with bar:
            sizes = ", ".join(f"{events:,}" for events in apps)
            task = bar.add_task(f"intake + dispatch at {sizes} events", total=samples + WARMUP)
            for number in range(samples + WARMUP):
                for events, app in apps.items():
                    request = _request(run, number)
                    started = time.perf_counter()
                    case_id = app.receive(request).case.id
                    received = time.perf_counter() - started
                    started = time.perf_counter()
                    app.dispatch(case_id, actor="desk-li", assignee="eng-wang")
                    dispatched = time.perf_counter() - started
                    if number >= WARMUP:
                        timings[events]["intake"].append(received * 1000)
                        timings[events]["command"].append(dispatched * 1000)
                bar.advance(task)
    finally:
        for app in apps.values():
            app.close()
    return timings


def run(args: argparse.Namespace) -> list[Figure]:
    sizes = sorted(
        args.sizes or ([1000, 2000, 5000] if args.quick else [10_000, 100_000, 1_000_000])
    )
    samples = args.samples or (30 if args.quick else 500)
    found = [history(n) for n in sizes]
    measured = measure(found, samples)
    out: list[Figure] = []
    for events, timings in measured.items():
        for name, ms in timings.items():
            out.append(
                Figure(
                    "scale",
                    f"{name} p50 at {events:,} events",
                    percentile(ms, 50),
                    "ms",
                    note=f"p99 {percentile(ms, 99):.2f} ms, mean {statistics.fmean(ms):.2f} ms, "
                    f"{len(ms)} samples",
                    extra={
                        "events": events,
                        "p50_ms": round(percentile(ms, 50), 3),
                        "p99_ms": round(percentile(ms, 99), 3),
                        "mean_ms": round(statistics.fmean(ms), 3),
                        "samples": len(ms),
                    },
                )
            )
    smallest, largest = min(measured), max(measured)
    for name in ("intake", "command"):
        ratio = percentile(measured[largest][name], 50) / percentile(measured[smallest][name], 50)
        judged = largest >= JUDGED_FROM
        out.append(
            Figure(
                "scale",
                f"{name} cost at {largest:,} / at {smallest:,} events",
                ratio,
                "x",
                target=f"<= {FLAT}x (1M vs 10k)",
                met=(ratio <= FLAT) if judged else None,
                note="ratio of medians" + ("" if judged else "; not judged: fewer than 1M events"),
            )
        )
    console.print(f"scale: sizes {', '.join(f'{e:,}' for e in measured)} events")
    return out


if __name__ == "__main__":
    piece_main("scale: intake and command cost by store size", add_arguments, run, __doc__)
