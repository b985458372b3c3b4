"""The console's pages served by `propdesk serve` on the one-million-event history:
milliseconds per page, measured by an HTTP client over loopback (so an upper bound of the
server's own time), for

- the queue's first page with 10,000 open cases,
- the page of a case that holds 200 events,
- the SLA and first-contact dashboards for the history's last full month,

each live and in a past view: as of a day before the history's end (the case page: as of
its 100th event). The cached history (histories.py)
with its read models brought up to date is copied to scratch; open repair cases are added
there until 10,000 are open, and one case is grown to 200 events (hold/resume pairs).
Each page is asked for once untimed (its first, cold answer is reported beside), then
`--runs` times; the 95th percentile is the figure. Targets: at most 150 ms for every live
page; a past view at most 3 times its live page.

    .venv/bin/python bench/console_pages.py [--events 1000000] [--runs 40] [--quick]
        [--pages queue,case,sla,first-contact]
"""

from __future__ import annotations

import argparse
import re
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from uuid import UUID

import httpx
from command_latency import EVENTS, _grow, _receive
from databases import scratch_copy
from figures import Figure, percentile, piece_main
from histories import history
from paths import PROPDESK
from servers import free_port, running
from terminal import console, progress
from whatif import bring_up_to_date

from api.config.settings import Settings
from api.storage.users import open_users
from api.wiring import open_service
from workflow.lifecycles import TERMINAL

OPEN_CASES = 10_000
TARGET_MS = 150.0
PAST_RATIO = 3.0
JUDGED_FROM = 990_000
NAME, PASSWORD = "bench-boss", "bench console password"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, help="about how many events [1000000; quick 5000]")
    parser.add_argument("--runs", type=int, help="timed requests per page [40; quick 5]")
    parser.add_argument("--pages", help="comma-separated pages to measure [all]")


def prepare(db: Path, open_cases: int) -> tuple[str, datetime]:
    """Adds open cases up to `open_cases` and a case of 200 events; returns its id and the
    instant its 100th event was recorded (its past view's)."""
    settings = Settings.load({}, db=str(db))
    app = open_service(settings)
    try:
        from api.wiring import open_read_models

        store = open_read_models(settings)
        terminal = ", ".join(repr(s) for s in TERMINAL)
        found = store.query(
            f"SELECT COUNT(*) AS n FROM rm_case_index WHERE state NOT IN ({terminal})"
        )
        store.datastore.close()  # type: ignore[attr-defined]
        missing = max(0, open_cases - 1 - int(found[0]["n"]))
        bar = progress(unit="cases")
        with bar:
            task = bar.add_task(f"adding {missing:,} open cases (untimed)", total=missing)
            for number in range(missing):
                _receive(app, number)
                bar.advance(task)
        long_case = _receive(app, 0)
        app.dispatch(long_case, actor="desk-zhang", assignee="eng-wang")
        _grow(app, long_case, (EVENTS - 2) // 2)
        users = open_users(settings)
        users.add(NAME, "supervisor", None, PASSWORD)
        users.close()
        midway = app.history(UUID(long_case))[EVENTS // 2 - 1].recorded_at
        return long_case, midway
    finally:
        app.close()


def sign_in(client: httpx.Client) -> None:
    form = client.get("/console/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None
    answer = client.post(
        "/console/login",
        data={"username": NAME, "password": PASSWORD, "csrf": token.group(1), "next": ""},
    )
    assert answer.status_code == 303, answer.status_code


def timed(client: httpx.Client, path: str, runs: int) -> tuple[float, list[float]]:
    """The first (cold) answer's milliseconds, and those of `runs` more."""
    times = []
    for number in range(runs + 1):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"{path} answered {answer.status_code}: {answer.text[:300]}")
        if number == 0 and path.startswith("/console/cases?") and "data-case" not in answer.text:
            console.print(f"[yellow]{path}: no case rows[/yellow]")
    return times[0], times[1:]


def pages(long_case: str, end: datetime) -> dict[str, str]:
    month_end = date(end.year, end.month, 1)
    month_start = (month_end - timedelta(days=1)).replace(day=1)
    month = f"from={month_start}&to={month_end}"
    return {
        "queue": "/console/cases?state=open",
        "case": f"/console/cases/{long_case}",
        "sla": f"/console/sla?{month}",
        "first-contact": f"/console/first-contact?{month}",
    }


def run(args: argparse.Namespace) -> list[Figure]:
    events = args.events or (5000 if args.quick else 1_000_000)
    runs = args.runs or (5 if args.quick else 40)
    open_cases = 200 if args.quick else OPEN_CASES
    found = history(events)
    head = bring_up_to_date(found)
    db = scratch_copy(found.db, "console")
    long_case, midway = prepare(db, open_cases)
    end = datetime.fromisoformat(found.end)
    port = free_port()
    argv = [PROPDESK, "serve", "--db", str(db), "--port", str(port), "--log-level", "warning"]
    figures = []
    judged = head >= JUDGED_FROM
    with (
        running("propdesk (console)", argv, "/health", port) as server,
        httpx.Client(base_url=server.url, timeout=120) as client,
    ):
        sign_in(client)
        chosen = pages(long_case, end)
        wanted = args.pages.split(",") if args.pages else list(chosen)
        for name, path in ((n, p) for n, p in chosen.items() if n in wanted):
            live_cold, live = timed(client, path, runs)
            joint = "&" if "?" in path else "?"
            instant = midway if name == "case" else end - timedelta(days=1)
            past = instant.isoformat(timespec="microseconds").replace("+", "%2B")
            past_cold, then = timed(client, f"{path}{joint}as_of={past}", runs)
            p95, past_p95 = percentile(live, 95), percentile(then, 95)
            console.print(
                f"{name}: live p95 {p95:.1f} ms (cold {live_cold:.0f} ms); "
                f"past p95 {past_p95:.1f} ms (cold {past_cold:.0f} ms)"
            )
            note = f"p95 of {runs} after one untimed; over {head:,} events" + (
                "" if judged else "; not judged: a smaller history"
            )
            figures += [
                Figure(
                    "console",
                    f"{name} page, live",
                    p95,
                    "ms",
                    target=f"<= {TARGET_MS:g} ms at 1M events",
                    met=(p95 <= TARGET_MS) if judged else None,
                    note=f"{note}; first answer {live_cold:.0f} ms",
                    extra={"ms": [round(t, 1) for t in live], "cold_ms": round(live_cold, 1)},
                ),
                Figure(
                    "console",
                    f"{name} page, past view / live",
                    past_p95 / p95,
                    "x",
                    target=f"<= {PAST_RATIO:g}",
                    met=(past_p95 / p95 <= PAST_RATIO) if judged else None,
                    note=f"past p95 {past_p95:.1f} ms; first answer {past_cold:.0f} ms",
                    extra={"ms": [round(t, 1) for t in then], "cold_ms": round(past_cold, 1)},
                ),
            ]
    return figures


if __name__ == "__main__":
    piece_main("console pages", add_arguments, run, __doc__)
