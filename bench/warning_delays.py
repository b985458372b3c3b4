"""How soon after its instant a warning reaches a webhook: `propdesk serve` on a fresh
database, a policy whose dispatch milestone runs out in 30 seconds (at risk at half), a json
webhook to a receiver in this process, and cases received over HTTP at a steady rate.

For every at-risk and breach warning the receiver takes, the delay from the warning's
instant (the at-risk or due instant, from the outbox, to the microsecond) to its arrival;
and from the instant to the outbox taking it in. Target: every warning delivered within
5 s of its instant.

    .venv/bin/python bench/warning_delays.py [--cases 90] [--rate 3] [--db postgresql://...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from databases import remove_database
from figures import Figure, percentile, piece_main
from paths import PROPDESK, ROOT, SCRATCH
from servers import free_port, intake_token, running
from terminal import console

sys.path.insert(0, str(ROOT / "src"))
os.environ["PYTHONPATH"] = str(ROOT / "src")  # the servers run this tree's propdesk

TARGET_SECONDS = 5.0
POLICY = """name = "bench: warnings within seconds"
effective = 2026-01-01

[warnings]
at_risk = "50%"

[[milestone]]
name = "dispatch"
kind = "repair"
start = "received"
stop = ["dispatched"]
target = "0.5m"
clock = "24x7"
hold_pauses = false
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=int, help="cases received [90; quick 12]")
    parser.add_argument("--rate", type=float, default=3.0, help="cases a second")
    parser.add_argument("--db", help="a PostgreSQL URL (default: a fresh SQLite file)")


class Receiver:
    """Takes json webhooks; remembers when each notice id first arrived."""

    def __init__(self) -> None:
        arrivals: dict[str, float] = {}
        self.arrivals = arrivals

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                now = time.time()
                notice = json.loads(body)["data"]["notice_id"]
                arrivals.setdefault(notice, now)
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def submit(url: str, token: str, number: int) -> None:
    body = {
        "kind": "repair",
        "channel": "wechat",
        "location": f"1-1-{number:04d}",
        "category": "plumbing",
        "priority": "normal",
        "description": "bench: a leaking tap",
        "received_by": "desk-li",
    }
    request = urllib.request.Request(
        url + "/requests",
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": f"warnings-{time.time_ns()}-{number}",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


def run(args: argparse.Namespace) -> list[Figure]:
    from api.config.settings import Settings
    from api.webhooks.endpoints import add_endpoint
    from api.wiring import open_notice_store_for

    cases = args.cases or (12 if args.quick else 90)
    SCRATCH.mkdir(parents=True, exist_ok=True)
    policy = SCRATCH / "warnings-policy.toml"
    policy.write_text(POLICY, encoding="utf-8")
    db = args.db or str(SCRATCH / "warnings.db")
    if args.db is None:
        remove_database(Path(db))
    os.environ["PROPDESK_POLICY"] = str(policy)
    settings = Settings.load(db=db)
    token = intake_token(Path(db), "bench-warnings") if args.db is None else _pg_token(db)
    receiver = Receiver()
    store = open_notice_store_for(settings)
    add_endpoint(
        store,
        receiver.url,
        ["milestone.at_risk", "milestone.breached"],
        allow_private=True,
        by="bench",
        now=datetime.now(UTC),
    )
    port = free_port()
    argv = [PROPDESK, "serve", "--db", db, "--port", str(port), "--log-level", "warning"]
    with running("warnings", argv, "/health", port) as server:
        with console.status(f"receiving {cases} cases at {args.rate:g} a second"):
            for number in range(cases):
                submit(server.url, token, number)
                time.sleep(1 / args.rate)
        expected = 2 * cases
        deadline = time.monotonic() + 120
        with console.status("waiting for the warnings"):
            while len(receiver.arrivals) < expected and time.monotonic() < deadline:
                time.sleep(0.5)
    rows = store.query(
        "SELECT id, at, emitted_at, late FROM nt_outbox WHERE type IN"
        " ('milestone.at_risk', 'milestone.breached')"
    )
    delivered, taken_in = _delays(rows, receiver.arrivals)
    missing = expected - len(delivered)
    worst = max(delivered) if delivered else None
    backend = "PostgreSQL" if args.db else "SQLite"
    note = f"{len(delivered)} of {expected} warnings; {missing} missing"
    return [
        Figure(
            "warnings",
            f"{backend}: instant -> outbox p50",
            percentile(taken_in, 50),
            "s",
            note=note,
        ),
        Figure("warnings", f"{backend}: instant -> outbox max", max(taken_in), "s"),
        Figure("warnings", f"{backend}: instant -> webhook p50", percentile(delivered, 50), "s"),
        Figure("warnings", f"{backend}: instant -> webhook p95", percentile(delivered, 95), "s"),
        Figure(
            "warnings",
            f"{backend}: instant -> webhook max",
            worst,
            "s",
            target=f"<= {TARGET_SECONDS:g} s, none missing",
            met=worst is not None and worst <= TARGET_SECONDS and missing == 0,
            note=note,
        ),
    ]


def _delays(rows: list[Any], arrivals: dict[str, float]) -> tuple[list[float], list[float]]:
    delivered, taken_in = [], []
    for row in rows:
        instant = int(row["at"]) / 1e6
        taken_in.append(int(row["emitted_at"]) / 1e6 - instant)
        if row["id"] in arrivals:
            delivered.append(arrivals[row["id"]] - instant)
    return delivered, taken_in


def _pg_token(db: str) -> str:
    import subprocess

    for name, role in (("desk-li", "agent"), ("bench-warnings", "channel")):
        out = subprocess.run(
            [PROPDESK, "token", "new", name, "--role", role, "--db", db],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return out.strip().splitlines()[-1]


if __name__ == "__main__":
    piece_main("Warnings: from their instant to the webhook", add_arguments, run, __doc__)
