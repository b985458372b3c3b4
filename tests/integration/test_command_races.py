"""Two processes race conflicting commands on the same cases.

For each case both OS processes wait at a barrier, then send their command on the version
both saw: complete against cancel, dispatch against dispatch, approve against reject.
Through the application service (`expected_version`, each process with its own store
connections) and through the HTTP API (`If-Match`, each side with a server process of its
own). Exactly one side wins each race; the other is refused (ConcurrencyConflict; over HTTP 409
when it lost the save, 412 when the winner had saved before it loaded the case), and no
case ever holds two events at one version.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from api.config.settings import Settings
from api.wiring import open_service
from support.backends import BACKENDS, database
from support.driver import receive, run
from support.processes import (
    free_ports,
    issue_token,
    server_process,
    stopped_at_exit,
    wait_healthy,
)
from support.racing_processes import Race, RaceSide, note_of, race_side, stored_versions
from support.run_report import report

ROUNDS = 10  # cases per kind of race

# kind, the commands that bring it to the contested state, the two sides' commands
CONTESTS: list[tuple[str, list[tuple[str, dict[str, Any]]], tuple[Any, Any]]] = [
    (
        "repair",
        [("dispatch", {"assignee": "eng-1"}), ("sign", {}), ("arrive", {})],
        (("complete", {"resolution": "fixed"}), ("cancel", {"reason": "resident withdrew"})),
    ),
    (
        "complaint",
        [],
        (("dispatch", {"assignee": "eng-a"}), ("dispatch", {"assignee": "eng-b"})),
    ),
    (
        "renovation",
        [],
        (
            ("approve", {"permit_no": "P-1", "deposit": "2000.00", "fee": "300.00"}),
            ("reject", {"reasons": "drawings missing"}),
        ),
    ),
]

REFUSED = {"service": {"conflict-at-save", "conflict-at-load"}, "http": {"409", "412"}}


def prepare(db: str) -> list[Race]:
    app = open_service(Settings.load({}, db=db))
    races: list[Race] = []
    try:
        for _ in range(ROUNDS):
            for kind, path, sides in CONTESTS:
                case_id = receive(app, kind)
                for command, arguments in path:
                    run(app, case_id, command, arguments)
                races.append(Race(str(case_id), app.get(case_id).version, sides))
    finally:
        app.close()
    return races


def race(
    mode: str, db: str, races: list[Race], bases: list[str], tokens: list[str]
) -> dict[str, dict[int, str]]:
    """Both sides in processes of their own; returns each case's outcome per side."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results: Any = context.Queue()
    sides = [RaceSide(side, mode, db, tuple(races), bases[side], tokens[side]) for side in (0, 1)]
    processes = [context.Process(target=race_side, args=(s, barrier, results)) for s in sides]
    for process in processes:
        process.start()
    try:
        outcomes: dict[str, dict[int, str]] = {r.case_id: {} for r in races}
        for _ in sides:
            side, found = results.get(timeout=80)
            for case_id, outcome in found:
                outcomes[case_id][side] = outcome
        for process in processes:
            process.join(timeout=30)
            assert process.exitcode == 0, f"a racing process ended with {process.exitcode}"
        return outcomes
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()


@pytest.mark.parametrize("mode", ["service", "http"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_racing_processes_one_wins_the_other_is_refused_and_versions_stay_unique(
    backend: str, mode: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    with database(backend, tmp_path) as db:
        races = prepare(db)
        logs = ""
        if mode == "service":
            outcomes = race(mode, db, races, ["", ""], ["", ""])
        else:
            # A server process per side, so that the two saves race in two processes.
            tokens = [issue_token(db, f"racer-{side}", "agent") for side in (0, 1)]
            ports = free_ports(2)
            servers = [server_process(db, port, tmp_path, "--no-follow") for port in ports]
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            with stopped_at_exit(*servers):
                for server, base in zip(servers, bases, strict=True):
                    # one after the other: two processes opening the application on
                    # PostgreSQL at the same moment can fail at start-up ("tuple
                    # concurrently updated"), a separate bug this test is not about
                    server.start()
                    wait_healthy(base)
                outcomes = race(mode, db, races, bases, tokens)
                for server in servers:
                    server.stop()
            logs = "\n".join(server.tail() for server in servers)

        app = open_service(Settings.load({}, db=db))
        try:
            problems: list[str] = []
            tally: Counter[str] = Counter()
            for contest in races:
                sides = outcomes[contest.case_id]
                winners = [s for s, outcome in sides.items() if outcome == "won"]
                losers = [o for o in sides.values() if o in REFUSED[mode]]
                if len(sides) != 2 or len(winners) != 1 or len(losers) != 1:
                    problems.append(f"case {contest.case_id}: {sides}")
                    continue
                tally[f"won by side {winners[0]}"] += 1
                tally[f"loser {losers[0]}"] += 1
                versions = stored_versions(app, contest.case_id)
                if versions != list(range(1, contest.version + 2)):
                    problems.append(f"case {contest.case_id}: stored versions {versions}")
                notes = [entry.note for entry in app.history(contest.case_id)]
                if notes.count(note_of(contest, winners[0])) != 1 or any(
                    note_of(contest, 1 - winners[0]) == n for n in notes
                ):
                    problems.append(f"case {contest.case_id}: notes {notes}")
        finally:
            app.close()

    report(
        "command-races",
        {"backend": backend, "through": mode, "races": len(races), **dict(sorted(tally.items()))}
        | {"seconds": round(time.monotonic() - started, 1)},
    )
    assert not problems, "\n".join(problems[:20]) + "\n" + logs
    simultaneous = tally["loser conflict-at-save"] + tally["loser 409"]
    assert simultaneous > 0, f"the barrier made no race simultaneous: {tally}"
