"""Long histories for the benchmarks, written by the demo's simulator and cached.

A history of about N events is a year (by default) of a community whose number of
households is chosen for N: the simulator writes about 0.158 events per household
and day over a year. The period ends on a fixed day, so the same flags always
write the same history. Each history is written in a RAM-backed directory when
there is one (SQLite's fsync per commit makes writing on disk several times
slower), then moved to bench/data/ (gitignored) with a JSON file describing it;
reruns find both there and reuse them.

    .venv/bin/python bench/histories.py 10000 100000 1000000 [--days 365] [--communities 20]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from databases import checkpoint, count_events, fast_directory
from paths import DATA
from terminal import console, progress

EVENTS_PER_HOUSEHOLD_DAY = 0.158  # measured over a year with seed 1
DAYS = 365
SEED = 1
END = datetime(2026, 11, 1, tzinfo=ZoneInfo("Asia/Shanghai"))


@dataclass(frozen=True)
class History:
    path: str
    target_events: int
    events: int
    households: int
    days: int
    seed: int
    start: str  # ISO, the period simulated
    end: str
    write_seconds: float  # how long the simulator took to write it
    written_in: str  # "ram" or "disk"

    @property
    def db(self) -> Path:
        return Path(self.path)

    @property
    def write_rate(self) -> float:
        return self.events / self.write_seconds if self.write_seconds else 0.0


def households_for(events: int, days: int) -> int:
    return max(1, round(events / (EVENTS_PER_HOUSEHOLD_DAY * days)))


# Raised when the simulator writes other histories for the same arguments, so that a
# cached history of the old simulator is not measured as the new one's (2: residents'
# own requests, received unowned and claimed).
SIMULATOR = 2


def _name(households: int, days: int, seed: int, communities: int = 1) -> str:
    split = f"-c{communities}" if communities > 1 else ""
    return f"sim{SIMULATOR}-h{households}-d{days}-s{seed}{split}"


def cached(events: int, days: int = DAYS, seed: int = SEED, communities: int = 1) -> History | None:
    households = households_for(events, days)
    name = _name(households, days, seed, communities)
    meta, db = DATA / f"{name}.json", DATA / f"{name}.db"
    if not (meta.exists() and db.exists()):
        return None
    found = json.loads(meta.read_text())
    found["path"] = str(db)  # the checkout may have moved
    return History(**found)


def history(events: int, days: int = DAYS, seed: int = SEED, communities: int = 1) -> History:
    """The cached history for about `events` events (its households split evenly over
    `communities`), written first if missing."""
    found = cached(events, days, seed, communities)
    if found is not None:
        return found
    return write(events, days, seed, communities)


def write(events: int, days: int = DAYS, seed: int = SEED, communities: int = 1) -> History:
    from api.config.settings import Settings  # imported here: `--help` and `cached` stay fast
    from api.simulation.simulator import Scenario, simulate
    from api.simulation.sites import company_sites
    from api.storage.communities import open_communities

    households = households_for(events, days)
    name = _name(households, days, seed, communities)
    DATA.mkdir(parents=True, exist_ok=True)
    fast = fast_directory()
    work = Path(tempfile.mkdtemp(prefix="propdesk-bench-", dir=fast or DATA))
    try:
        db = work / f"{name}.db"
        sites = company_sites(households, communities) if communities > 1 else ()
        scenario = Scenario(households=households, days=days, seed=seed, end=END, communities=sites)
        registry = open_communities(Settings.load({}, db=str(db)))
        for site in sites:
            registry.register(site.code, site.name, by="bench")
        registry.close()
        bar = progress(unit="% of the period")
        with bar:
            task = bar.add_task(
                f"simulating {days} days of {households:,} households (~{events:,} events)",
                total=100,
            )

            def report(share: float, written: int) -> None:
                bar.update(
                    task,
                    completed=round(share * 100, 1),
                    description=f"simulating {days} days of {households:,} households: "
                    f"{written:,} events",
                )

            started = time.perf_counter()
            outcome = simulate(Settings.load({}, db=str(db)), scenario, report)
            seconds = time.perf_counter() - started
        checkpoint(db)
        target = DATA / f"{name}.db"
        with console.status(f"moving the history to {target}"):
            target.unlink(missing_ok=True)
            shutil.move(str(db), target)
        found = History(
            path=str(target),
            target_events=events,
            events=count_events(target),
            households=households,
            days=days,
            seed=seed,
            start=outcome.start.isoformat(),
            end=outcome.end.isoformat(),
            write_seconds=round(seconds, 2),
            written_in="ram" if fast else "disk",
        )
        (DATA / f"{name}.json").write_text(json.dumps(asdict(found), indent=2) + "\n")
        console.print(
            f"wrote {found.events:,} events in {seconds:,.1f} s "
            f"({found.write_rate:,.0f} events/s, in {found.written_in}) to {target}"
        )
        return found
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("events", type=int, nargs="+", help="about how many events each")
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--communities", type=int, default=1, help="split evenly over N")
    args = parser.parse_args()
    found = [history(n, args.days, args.seed, args.communities) for n in args.events]
    for h in found:
        console.print(
            f"{h.events:>10,} events  {h.households:>7,} households x {h.days} days  "
            f"written at {h.write_rate:,.0f}/s  {h.path}"
        )


if __name__ == "__main__":
    main()
