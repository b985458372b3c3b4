"""What-if replay: seconds for `propdesk replay --policy FILE` over a history of N events.

The history (by default about one million events; see histories.py) gets its read
models brought up to date first, untimed: a replay evaluates the read models, it
does not build them. Then the command is timed end to end, as an operator runs it
(process start included): bench/candidate-policy.toml beside the live policy over
the whole simulated period, as of its end. Target: <= 60 s for one
million events; on a smaller history the time is also projected to one million.

    .venv/bin/python bench/whatif.py [--events 1000000] [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from datetime import date, datetime, timedelta

from databases import close_follower
from figures import Figure, piece_main
from histories import History, history
from paths import HERE, PROPDESK, ROOT
from terminal import console, progress

from api.config.settings import Settings
from api.wiring import open_follower
from projections.asof import Period
from projections.policy import load_policy
from projections.replay import compare
from projections.reports import sla_report

TARGET_SECONDS = 60.0
PER_EVENTS = 1_000_000
CANDIDATE = HERE / "candidate-policy.toml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, help="about how many events [1000000; quick 5000]")
    parser.add_argument("--runs", type=int, help="timed runs [3; quick 1]")


def bring_up_to_date(found: History) -> int:
    """Catch the read models up with the log (a rebuild if they were never built)."""
    settings = Settings.load({}, db=str(found.db))
    follower = open_follower(settings, settings.policy)
    try:
        head, start = follower.head(), follower.store.position()
        if start < head:
            bar = progress(unit="events")
            with bar:
                task = bar.add_task(
                    "building the read models (untimed)", total=head, completed=start
                )
                follower.catch_up(lambda done, _head: bar.update(task, completed=done))
        return head
    finally:
        close_follower(follower)


def evaluate_in_process(found: History) -> float:
    """Seconds for what `propdesk replay` does once the read models are current: both
    reports and their comparison, without the process start and the imports."""
    settings = Settings.load({}, db=str(found.db))
    follower = open_follower(settings, settings.policy)
    try:
        first, last, as_of = period(found)
        chosen = Period(date.fromisoformat(first), date.fromisoformat(last))
        moment = datetime.fromisoformat(as_of)
        started = time.perf_counter()
        candidate = load_policy(str(CANDIDATE))
        live = sla_report(follower.store, settings.policy, chosen, moment)
        tried = sla_report(follower.store, candidate, chosen, moment)
        compare(live, tried)
        return time.perf_counter() - started
    finally:
        close_follower(follower)


def period(found: History) -> tuple[str, str, str]:
    """--from, --to (the day after the last) and --as-of covering the whole history."""
    start, end = datetime.fromisoformat(found.start), datetime.fromisoformat(found.end)
    first: date = start.date()
    last: date = end.date() + timedelta(days=1)
    return first.isoformat(), last.isoformat(), end.isoformat()


def run(args: argparse.Namespace) -> list[Figure]:
    events = args.events or (5000 if args.quick else PER_EVENTS)
    runs = args.runs or (1 if args.quick else 3)
    found = history(events)
    head = bring_up_to_date(found)
    first, last, as_of = period(found)
    argv = [
        PROPDESK,
        "replay",
        "--policy",
        str(CANDIDATE),
        "--db",
        str(found.db),
        "--from",
        first,
        "--to",
        last,
        "--as-of",
        as_of,
        "--format",
        "json",
    ]
    seconds = []
    for number in range(runs):
        with console.status(f"replay {number + 1}/{runs} over {head:,} events"):
            started = time.perf_counter()
            done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
            seconds.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise RuntimeError(f"propdesk replay failed:\n{done.stderr[-2000:]}")
        console.print(f"replay {number + 1}/{runs}: {seconds[-1]:.2f} s over {head:,} events")
    median = statistics.median(seconds)
    with console.status("timing the evaluation alone, in-process"):
        evaluation = evaluate_in_process(found)
    judged = head >= PER_EVENTS
    # The process start does not grow with the history; the evaluation, at worst, linearly.
    projected = median if judged else median + evaluation * (PER_EVENTS / head - 1)
    command = " ".join(["propdesk", *argv[1:]])
    return [
        Figure(
            "what-if replay",
            f"replay over {head:,} events",
            median,
            "s",
            target=f"<= {TARGET_SECONDS:g} s for 1M events",
            met=(median <= TARGET_SECONDS) if judged else None,
            note=f"median of {runs}, process start included"
            + ("" if judged else "; not judged: fewer than 1M events"),
            extra={"seconds": [round(s, 3) for s in seconds], "command": command},
        ),
        Figure(
            "what-if replay",
            "of which evaluating both policies",
            evaluation,
            "s",
            note="in-process, both reports and the comparison, one run",
        ),
        Figure(
            "what-if replay",
            "replay projected to 1M events",
            projected,
            "s",
            note="measured + evaluation grown linearly to 1M events"
            if not judged
            else "the measured time: the history holds 1M events or more",
        ),
    ]


if __name__ == "__main__":
    piece_main("what-if replay", add_arguments, run, __doc__)
