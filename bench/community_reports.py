"""Reports for one community against the company's: seconds for the SLA and first-contact
reports over a history of N events whose households are split evenly over 20 communities.

The history (by default about one million events; histories.py, `--communities 20`) gets
its read models brought up to date first, untimed. Then each report is built in-process
for the whole company and for one community (the first), alternating, as of the end of
the history over its whole period; the median of each is compared. Target: a community's
report takes at most a fifth of the company's, because it reads only that community's
rows (the case index by community and receipt).

    .venv/bin/python bench/community_reports.py [--events 1000000] [--runs 5] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime

from figures import Figure, piece_main
from histories import history
from terminal import console
from whatif import bring_up_to_date, period

from api.config.settings import Settings
from api.wiring import open_follower
from projections.asof import Period
from projections.first_contact import first_contact_report
from projections.report_document import Report
from projections.reports import sla_report

COMMUNITIES = 20
TARGET_SHARE = 0.2  # a community's report, as a share of the company's time
PER_EVENTS = 1_000_000
ABOUT = 0.95


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, help="about how many events [1000000; quick 5000]")
    parser.add_argument("--runs", type=int, help="timed runs of each report [5; quick 1]")


Build = Callable[..., Report]


def timed(build: Build, *args: object) -> tuple[float, Report]:
    started = time.perf_counter()
    report = build(*args)
    return time.perf_counter() - started, report


def run(args: argparse.Namespace) -> list[Figure]:
    events = args.events or (5000 if args.quick else PER_EVENTS)
    runs = args.runs or (1 if args.quick else 5)
    found = history(events, communities=COMMUNITIES)
    head = bring_up_to_date(found)
    first, last, as_of = period(found)
    chosen = Period(date.fromisoformat(first), date.fromisoformat(last))
    moment = datetime.fromisoformat(as_of)
    settings = Settings.load({}, db=str(found.db))
    follower = open_follower(settings, settings.policy)
    figures = []
    try:
        policy = follower.current_policy()
        codes = sorted(
            str(r["community"])
            for r in follower.store.query("SELECT DISTINCT community FROM rm_case_index")
        )
        one = (codes[0],)
        for name, build in (("sla", sla_report), ("first-contact", first_contact_report)):
            company: list[float] = []
            community: list[float] = []
            for number in range(runs):
                with console.status(f"{name} report {number + 1}/{runs} over {head:,} events"):
                    seconds, whole = timed(build, follower.store, policy, chosen, moment)
                    company.append(seconds)
                    seconds, part = timed(build, follower.store, policy, chosen, moment, one)
                    community.append(seconds)
            share = statistics.median(community) / statistics.median(company)
            # "About one million": the simulator writes 0.99 to 1.03 million for the target.
            judged = head >= ABOUT * PER_EVENTS and len(codes) == COMMUNITIES
            console.print(
                f"{name}: company {statistics.median(company):.2f} s, {one[0]} "
                f"{statistics.median(community):.3f} s ({share:.3f} of it)"
            )
            figures += [
                Figure(
                    "community reports",
                    f"{name} report, one of {len(codes)} communities / the company",
                    share,
                    "x",
                    target=f"<= {TARGET_SHARE:g} at 1M events over {COMMUNITIES} communities",
                    met=(share <= TARGET_SHARE) if judged else None,
                    note=f"medians of {runs}: {statistics.median(community):.3f} s vs "
                    f"{statistics.median(company):.2f} s over {head:,} events"
                    + ("" if judged else "; not judged: a smaller history"),
                    extra={
                        "company_seconds": [round(s, 3) for s in company],
                        "community_seconds": [round(s, 3) for s in community],
                        "community": one[0],
                        "rows": [len(whole.rows), len(part.rows)],
                    },
                )
            ]
    finally:
        follower.store.datastore.close()  # type: ignore[attr-defined]
        follower.app.close()
    return figures


if __name__ == "__main__":
    piece_main("community reports", add_arguments, run, __doc__)
