"""The end-of-run checks: the store read with the application itself. Every op's fate
(written exactly once if answered 2xx, never if refused), every case's history as a path
through its lifecycle table, and the read models against a clean rebuild.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from api.config.settings import Settings
from api.wiring import open_follower, open_service
from support.dumps import dump
from support.load_requests import Op
from workflow import events as ev
from workflow.declared import COMMANDS
from workflow.lifecycles import lifecycle
from workflow.service import CaseService

EVENT_COMMANDS = {command.event: command.name for command in COMMANDS}
assert set(EVENT_COMMANDS) | {ev.Received} == set(ev.CASE_EVENTS)


def all_events(app: CaseService) -> list[ev.CaseEvent]:
    """The whole notification log, decoded, in order."""
    found: list[ev.CaseEvent] = []
    after = 0
    while True:
        notes = app.recorder.select_notifications(start=after, limit=1000, inclusive_of_start=False)
        if not notes:
            return found
        found.extend(app.mapper.to_domain_event(n) for n in notes)  # type: ignore[misc]
        after = notes[-1].id


def lifecycle_problems(case_events: list[ev.CaseEvent]) -> list[str]:
    """Replays a case's events through its lifecycle table: each must have been allowed in
    the state before it and lead where the table says."""
    problems: list[str] = []
    versions = [e.originator_version for e in case_events]
    if versions != list(range(1, len(versions) + 1)):
        return [f"versions {versions}: not 1..n, each once"]
    if not isinstance(case_events[0], ev.Received):
        return [f"version 1 is {type(case_events[0]).__name__}, not Received"]
    case: Any = case_events[0].mutate(None)
    for event in case_events[1:]:
        before = case.state
        command = EVENT_COMMANDS[type(event)]
        destinations = lifecycle(case.kind).destinations(before, command)
        case = event.mutate(case)
        if case.state not in destinations:
            problems.append(
                f"v{event.originator_version} {type(event).__name__}: {command} from {before!r} "
                f"reached {case.state!r}; the lifecycle allows {destinations}"
            )
    return problems


@dataclass
class Verdict:
    cases: int
    events: int
    lost: int
    duplicated: int
    rejected_written: int
    phantom: int
    problems: list[str]


def verify(db: str, ops: list[Op]) -> Verdict:
    """Reads the store with the application itself and checks every op's fate, every history
    and the read models against a clean rebuild."""
    settings = Settings.load({}, db=db)
    app = open_service(settings)
    problems: list[str] = []
    try:
        log = all_events(app)
        by_case: dict[str, list[ev.CaseEvent]] = defaultdict(list)
        by_note: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
        for event in log:
            case_id = str(event.originator_id)
            by_case[case_id].append(event)
            by_note[event.note].append((case_id, event.originator_version, type(event).__name__))

        lost = duplicated = rejected_written = 0
        for op in ops:
            found = by_note.get(op.note, [])
            if op.written:
                if not found:
                    lost += 1
                    problems.append(f"lost: {op}")
                elif len(found) > 1:
                    duplicated += 1
                    problems.append(f"duplicated: {op} at {found}")
                else:
                    case_id, version, type_name = found[0]
                    if case_id != op.case_id:
                        problems.append(f"{op} written to case {case_id}")
                    if op.version is not None and version != op.version:
                        problems.append(f"{op} written at version {version}, not {op.version}")
                    if _command_of(type_name) != (op.command or "intake"):
                        problems.append(f"{op} written as {type_name}")
            elif found:
                rejected_written += 1
                problems.append(f"rejected but written: {op} at {found}")
        known = {op.note for op in ops}
        phantom = [n for n in by_note if n not in known]
        problems.extend(f"written by no request: {n!r} at {by_note[n]}" for n in phantom)
        intakes = {op.case_id for op in ops if op.kind == "intake" and op.written}
        if set(by_case) != intakes:
            problems.append(f"cases {sorted(set(by_case) ^ intakes)} differ from the intakes")

        for case_id, case_events in by_case.items():
            problems.extend(f"case {case_id}: {p}" for p in lifecycle_problems(case_events))
            history = app.history(case_id)
            if [h.version for h in history] != [e.originator_version for e in case_events]:
                problems.append(f"case {case_id}: the history differs from the log")

        problems.extend(read_models_problems(settings, app))
        return Verdict(
            cases=len(by_case),
            events=len(log),
            lost=lost,
            duplicated=duplicated,
            rejected_written=rejected_written,
            phantom=len(phantom),
            problems=problems,
        )
    finally:
        app.close()


def _command_of(type_name: str) -> str:
    """The command that records an event type; "intake" for Received."""
    if type_name == ev.Received.__name__:
        return "intake"
    return next(c for e, c in EVENT_COMMANDS.items() if e.__name__ == type_name)


def read_models_problems(settings: Settings, app: CaseService) -> list[str]:
    """The read models the follower process left equal a clean rebuild from position zero
    (in place: SQLite builds a scratch file and swaps it in, PostgreSQL refills its tables)."""
    follower = open_follower(settings, settings.policy, app)
    try:
        problems: list[str] = []
        head = follower.head()
        if follower.store.position() != head:
            problems.append(f"the follower stopped at {follower.store.position()} of {head}")
        live = dump(follower.store)
        for row in live["rm_case_index"]:
            case = app.get(row["case_id"])
            if (row["state"], row["version"]) != (case.state, case.version):
                problems.append(f"rm_case_index {row['case_id']}: {row['state']} v{row['version']}")
        rebuilt = open_follower(settings, settings.policy, app, rebuilding=True)
        try:
            rebuilt.rebuild()
            clean = dump(rebuilt.store)
        finally:
            _close_store(rebuilt)
        for table, rows in live.items():
            if clean[table] != rows:
                problems.append(
                    f"{table}: live {len(rows)} rows differ from a clean rebuild's "
                    f"{len(clean[table])}"
                )
        return problems
    finally:
        _close_store(follower)


def _close_store(follower: Any) -> None:
    datastore = getattr(follower.store, "datastore", None)
    if datastore is not None:
        datastore.close()
