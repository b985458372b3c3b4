"""Intake's cost in machine instructions: POST /requests through the ASGI app, in-process
(no sockets), with the intake writer and the heap settled as in a worker of `propdesk
serve`, 16 requests at a time. Counted by valgrind's callgrind.

Not part of the suite: it judges changes to the request path on a machine whose speed
drifts. The same code's CPU time per request ranged 760-1,180 us here from one minute to
the next, while its instruction count repeats within about 1.5 %. The script runs
itself twice under callgrind, with `--requests N1,N2` after the same warm-up, and
divides the difference by N2 - N1: start-up and warm-up cancel out. `--direct N` skips
valgrind and prints requests/s and CPU per request, for a quick look.

    .venv/bin/python bench/intake_instructions.py [--requests 160,800] [--direct N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from figures import Figure, piece_main
from paths import ROOT
from terminal import console

CONCURRENT, WARM_UP = 16, 20  # requests at a time; warm-up requests per client


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--requests", default="160,800", help="N1,N2 measured requests")
    parser.add_argument("--direct", type=int, help="no valgrind: time N requests")
    parser.add_argument("--drive", type=int, help=argparse.SUPPRESS)  # the measured child


def _body(number: int) -> bytes:
    body = {
        "kind": "repair", "channel": "wechat", "category": "plumbing", "priority": "normal",
        "location": f"{number % 30 + 1}-2-{number % 18 + 1}01",
        "description": f"reported through the app, request {number}", "received_by": "desk-li",
        "reporter": {"name": "王先生", "phone": f"138{number:08d}"},
    }  # fmt: skip
    return json.dumps(body, ensure_ascii=False).encode()


async def _drive(requests: int) -> tuple[float, float]:
    """Starts the app on a fresh file, warms it up, then sends `requests`; returns the
    measured wall and CPU seconds."""
    import uvloop  # noqa: F401 - the servers' loop; imported here, in the child

    from api.config.server import ServerConfig
    from api.http.app import create_app
    from api.server.garbage_collector import settle_after_start
    from api.storage.tokens import open_tokens

    config = ServerConfig.load({}, db=str(Path(tempfile.mkdtemp()) / "i.db"), follow=False)
    tokens = open_tokens(config.settings)
    tokens.issue("desk-li", "agent")  # the receiver each request names: a known agent
    token = tokens.issue("bench", "channel").encode()
    app = create_app(config)
    startup: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    sent: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await startup.put({"type": "lifespan.startup"})
    lifespan = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, startup.get, sent.put)
    )
    await sent.get()
    settle_after_start()
    counter = 0

    async def one() -> None:
        nonlocal counter
        counter += 1
        body = _body(counter)
        headers = [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"authorization", b"Bearer " + token),
            (b"idempotency-key", b"k%d" % counter),
            (b"content-length", str(len(body)).encode()),
        ]
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "POST", "scheme": "http", "path": "/requests", "raw_path": b"/requests",
            "query_string": b"", "headers": headers, "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80), "root_path": "", "state": {},
        }  # fmt: skip
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop()
            await asyncio.sleep(3600)  # the client stays connected
            raise AssertionError("unreachable")

        statuses: list[int] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await app(scope, receive, send)
        if statuses != [201]:
            raise RuntimeError(f"intake answered {statuses}, not 201")

    async def client(count: int) -> None:
        for _ in range(count):
            await one()

    await asyncio.gather(*(client(WARM_UP) for _ in range(CONCURRENT)))
    wall, cpu = time.perf_counter(), time.process_time()
    share = [requests // CONCURRENT + (i < requests % CONCURRENT) for i in range(CONCURRENT)]
    await asyncio.gather(*(client(n) for n in share))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    await startup.put({"type": "lifespan.shutdown"})
    await lifespan
    return wall, cpu


def _under_valgrind(requests: int) -> int:
    out = Path(tempfile.mkdtemp()) / "callgrind.out"
    done = subprocess.run(
        [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
            sys.executable, __file__, "--drive", str(requests),
        ],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"valgrind run of {requests} requests failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def run(args: argparse.Namespace) -> list[Figure]:
    import uvloop

    if args.drive:  # the child that valgrind counts
        wall, cpu = uvloop.run(_drive(args.drive))
        print(f"{args.drive / wall:.0f} req/s, {cpu / args.drive * 1e6:.0f} us CPU/request")
        raise SystemExit(0)
    if args.direct or args.quick:
        count = args.direct or 200
        wall, cpu = uvloop.run(_drive(count))
        return [
            Figure("intake instructions", "requests/s in-process", count / wall, "req/s"),
            Figure("intake instructions", "CPU per request", cpu / count * 1e6, "us"),
        ]
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is needed: sudo apt-get install valgrind (or use --direct N)")
    first, second = (int(n) for n in str(args.requests).split(","))
    with console.status(f"two runs under valgrind ({first} and {second} requests)"):
        counts = [_under_valgrind(n) for n in (first, second)]
    per_request = (counts[1] - counts[0]) / (second - first)
    note = f"({counts[1]:,} - {counts[0]:,}) / ({second} - {first} requests)"
    return [
        Figure("intake instructions", "instructions per request", per_request, "instr", note=note)
    ]


if __name__ == "__main__":
    piece_main("intake instructions", add_arguments, run, __doc__)
