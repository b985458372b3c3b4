"""Intake over HTTP while webhooks fail: `propdesk serve` with an endpoint whose receiver
hangs for a minute, and with one whose receiver answers 500, against `propdesk serve`
without webhooks, in the same run.

Three servers on fresh SQLite files; the same wrk load on each in turn, the order
rotating every round. The outbox of each webhook server is fed notices at a steady rate
(`--notices` a second) from this process, as the notice follower would, so its deliverer
keeps trying its receiver throughout. The ratio is the median of the rounds' own ratios.
Target: intake with a failing webhook >= 0.9 x intake without.

    .venv/bin/python bench/webhook_intake.py [--seconds 20] [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from databases import remove_database
from figures import Figure, piece_main
from paths import PROPDESK, ROOT, SCRATCH
from servers import free_port, intake_token, running
from terminal import console
from wrk import ensure_wrk, wrk

sys.path.insert(0, str(ROOT / "src"))
os.environ["PYTHONPATH"] = str(ROOT / "src")  # the servers run this tree's propdesk

RATIO = 0.9
SETUPS = ("none", "hanging", "failing")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, help="length of each measured run [20; quick 3]")
    parser.add_argument("--runs", type=int, help="rounds [3; quick 1]")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--notices", type=float, default=20.0, help="notices a second fed")


class Receivers:
    """/hang answers after a minute; /fail answers 500 at once."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", "0")))
                if self.path == "/hang":
                    time.sleep(60)
                try:
                    self.send_response(204 if self.path == "/ok" else 500)
                    self.send_header("content-length", "0")
                    self.end_headers()
                except OSError:
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@contextmanager
def fed(db: Path, url: str | None, rate: float) -> Iterator[None]:
    """An endpoint at `url` and a thread putting notices in the outbox meanwhile."""
    if url is None:
        yield
        return
    from api.config.settings import Settings
    from api.webhooks.endpoints import add_endpoint
    from api.wiring import open_notice_store_for
    from projections.notices.store import INSERT_NOTICE
    from projections.times import to_micros

    store = open_notice_store_for(Settings.load({}, db=str(db)))
    add_endpoint(
        store, url, ["milestone.at_risk"], allow_private=True, by="bench", now=datetime.now(UTC)
    )
    stop = threading.Event()

    def feed() -> None:
        while not stop.wait(1 / rate):
            case, at = str(uuid.uuid4()), to_micros(datetime.now(UTC))
            row = (
                f"{case}/dispatch/1/milestone.at_risk",
                "milestone.at_risk",
                case,
                "default",
                "repair",
                "dispatch",
                1,
                at,
                at,
                at,
                0,
            )
            store.execute([(INSERT_NOTICE, [row])])

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        store.datastore.close()  # type: ignore[attr-defined]


def run(args: argparse.Namespace) -> list[Figure]:
    seconds = args.seconds or (3 if args.quick else 20)
    runs = args.runs or (1 if args.quick else 3)
    ensure_wrk()
    SCRATCH.mkdir(parents=True, exist_ok=True)
    receivers = Receivers()
    urls = {"none": None, "hanging": receivers.base + "/hang", "failing": receivers.base + "/fail"}
    stamp = time.strftime("%Y%m%d%H%M%S")
    results: dict[str, list[float]] = {s: [] for s in SETUPS}
    with ExitStack() as stack:
        servers: dict[str, Any] = {}
        tokens: dict[str, str] = {}
        for setup in SETUPS:
            db = SCRATCH / f"webhooks-{setup}.db"
            remove_database(db)
            tokens[setup] = intake_token(db, "bench-intake")
            port = free_port()
            argv = [
                PROPDESK,
                "serve",
                "--db",
                str(db),
                "--port",
                str(port),
                "--log-level",
                "warning",
            ]
            servers[setup] = stack.enter_context(
                running(f"webhooks-{setup}", argv, "/health", port)
            )
            stack.enter_context(fed(db, urls[setup], args.notices))
        for setup in SETUPS:  # warm-up
            wrk(
                servers[setup].url,
                seconds=1,
                connections=args.connections,
                threads=1,
                tag=f"{stamp}-warm-{setup}",
                token=tokens[setup],
            )
        for number in range(runs):
            order = SETUPS[number % 3 :] + SETUPS[: number % 3]
            for setup in order:
                measured = wrk(
                    servers[setup].url,
                    seconds=seconds,
                    connections=args.connections,
                    threads=1,
                    tag=f"{stamp}-{setup}-{number}",
                    token=tokens[setup],
                )
                results[setup].append(measured.rps)
                console.print(
                    f"round {number + 1} {setup:8} {measured.rps:8,.0f} req/s "
                    f"errors {measured.errors}"
                )
    how = f"{args.connections} connections, {runs} x {seconds:.0f} s, {args.notices:g} notices/s"
    out = [
        Figure(
            "webhook intake", f"{s} requests/s", statistics.median(results[s]), "req/s", note=how
        )
        for s in SETUPS
    ]
    for setup in ("hanging", "failing"):
        ratio = statistics.median(
            w / n for w, n in zip(results[setup], results["none"], strict=True)
        )
        out.append(
            Figure(
                "webhook intake",
                f"{setup} / none requests/s",
                ratio,
                "x",
                target=f">= {RATIO}x",
                met=ratio >= RATIO,
                note="median of the rounds' ratios",
            )
        )
    return out


if __name__ == "__main__":
    piece_main("intake while webhooks fail (wrk)", add_arguments, run, __doc__)
