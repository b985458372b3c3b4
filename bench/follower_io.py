"""The follower's cost per event as the read models grow: CPU time and the read and write
system calls SQLite makes, under a stream of new cases.

Not part of the suite: it compares layouts of the SQLite read models. New repairs and
complaints (with a reporter, as over HTTP) are recorded in batches of 50 and followed in
pages of 500, about what the follower sees under an intake peak; each block of the
stream is reported on its own, so growth shows. The system-call counts come from
/proc/self/io and are exact, so they hold on a noisy machine where times do not.
Variants: the case tables as rowid tables (propdesk's layout) or clustered on the case
id (`WITHOUT ROWID`, the layout before), and the writing connection's page cache.

    .venv/bin/python bench/follower_io.py [--cases 80000] [--cache-kib 16384,2000] [--quick]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from figures import Figure, piece_main
from paths import SCRATCH
from terminal import console, progress

from api.config.settings import Settings
from api.wiring import open_follower, open_service
from projections.follower import Follower
from projections.schema import INDEXES, TABLES
from workflow.intake import NewRequest
from workflow.personal_data import Reporter

BATCH, PAGE, BLOCKS = 50, 500, 4
CASE_TABLES = ("rm_case_index", "rm_milestones")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=int, help="new cases in the stream [80000; quick 2000]")
    parser.add_argument(
        "--cache-kib", default="16384,2000", help="page caches to compare, KiB [16384,2000]"
    )


def _request(number: int) -> NewRequest:
    kind = ("repair", "complaint")[number % 2]
    return NewRequest(
        kind=kind,
        channel="wechat",
        location=f"{number % 30 + 1}-{number % 4 + 1}-{number % 18 + 1}02",
        category="plumbing" if kind == "repair" else "customer_service",
        priority="normal",
        description=f"reported through the app, request {number}",
        received_by="desk-li",
        reporter=Reporter("王先生", f"138{number:08d}"),
    )


def _io() -> tuple[int, int]:
    fields = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
    return int(fields["syscr"]), int(fields["syscw"])


def _lay_out(follower: Follower, layout: str, cache_kib: int) -> None:
    with follower.store._cursor(commit=True) as cursor:
        if layout == "clustered":
            for table, ddl in zip(CASE_TABLES, TABLES[:2], strict=True):
                cursor.execute(f"DROP TABLE {table}")
                cursor.execute(ddl + " WITHOUT ROWID")
            for index in INDEXES:
                if any(f" {table} " in index for table in CASE_TABLES):
                    cursor.execute(index)
        cursor.execute(f"PRAGMA cache_size=-{cache_kib}")


def one_variant(layout: str, cache_kib: int, cases: int) -> list[Figure]:
    SCRATCH.mkdir(parents=True, exist_ok=True)
    where = Path(tempfile.mkdtemp(dir=SCRATCH, prefix="follower-io-"))
    settings = Settings.load({}, db=str(where / "f.db"))
    service = open_service(settings)
    follower = open_follower(settings, settings.policy, service)
    _lay_out(follower, layout, cache_kib)
    figures, block = [], cases // BLOCKS
    totals = [0.0, 0, 0, 0]  # CPU seconds, reads, writes, events
    bar = progress(unit="cases")
    with bar:
        task = bar.add_task(f"{layout}, {cache_kib} KiB cache", total=cases)
        for start in range(0, cases, PAGE):
            numbers = range(start, min(start + PAGE, cases))
            for first in range(numbers.start, numbers.stop, BATCH):
                last = min(first + BATCH, numbers.stop)
                for answer in service.receive_all(
                    [(_request(n), None) for n in range(first, last)]
                ):
                    if isinstance(answer, Exception):
                        raise answer
            cpu, (reads, writes) = time.process_time(), _io()
            events = follower.catch_up()
            now, (reads_after, writes_after) = time.process_time(), _io()
            for i, amount in enumerate(
                (now - cpu, reads_after - reads, writes_after - writes, events)
            ):
                totals[i] += amount
            bar.update(task, completed=numbers.stop)
            if numbers.stop % block == 0 or numbers.stop == cases:
                seen = int(totals[3]) or 1
                note = f"{layout} case tables, {cache_kib} KiB cache, cases up to {numbers.stop:,}"
                figures += [
                    Figure("follower io", f"CPU per event ({note})", totals[0] / seen * 1e6, "us"),
                    Figure("follower io", f"reads ({note})", totals[1] / seen, "calls/event"),
                    Figure("follower io", f"writes ({note})", totals[2] / seen, "calls/event"),
                ]
                totals = [0.0, 0, 0, 0]
    follower.store.datastore.close()
    service.close()
    return figures


def run(args: argparse.Namespace) -> list[Figure]:
    cases = args.cases or (2000 if args.quick else 80_000)
    caches = [int(c) for c in str(args.cache_kib).split(",")]
    figures: list[Figure] = []
    for cache_kib in caches:
        for layout in ("rowid", "clustered"):
            figures += one_variant(layout, cache_kib, cases)
    console.print(f"{cases:,} new cases per variant, followed in pages of {PAGE}")
    return figures


if __name__ == "__main__":
    piece_main("follower io", add_arguments, run, __doc__)
