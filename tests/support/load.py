"""Crash and load tests: server and follower processes, HTTP clients that retry what was
not acknowledged, racing processes, and the checks that read the store afterwards.

Everything runs on loopback. The processes are `propdesk` itself, started as
`python -c "from api.cli import main; main()" ...` with PYTHONPATH=src.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from api.settings import Settings
from api.wiring import open_follower, open_service
from support.dumps import dump
from workflow import events as ev
from workflow.errors import ConcurrencyConflict
from workflow.intake import case_id_for
from workflow.lifecycles import TERMINAL, lifecycle
from workflow.service import CaseService

ROOT = Path(__file__).resolve().parents[2]
PROPDESK = [sys.executable, "-c", "from api.cli import main; main()"]

# -- processes ----------------------------------------------------------------------------


def environment() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("PROPDESK_DB", None)  # every command names its database
    return env


def issue_token(db: str, name: str, role: str) -> str:
    """`propdesk token new NAME --role ROLE`: the token is the last line printed."""
    done = subprocess.run(
        [*PROPDESK, "token", "new", name, "--role", role, "--db", db],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def free_ports(count: int) -> list[int]:
    """Distinct loopback ports free a moment ago (held together while chosen)."""
    with contextlib.ExitStack() as stack:
        probes = [
            stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            for _ in range(count)
        ]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]


def free_port() -> int:
    return free_ports(1)[0]


class Process:
    """One `propdesk` process, its output in a log file; restartable with the same arguments."""

    def __init__(self, name: str, args: list[str], logs: Path) -> None:
        self.name = name
        self.args = args
        self.log = logs / f"{name}.log"
        self.popen: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        assert self.popen is None or self.popen.poll() is not None
        self.starts += 1
        with self.log.open("ab") as out:
            out.write(f"\n--- start {self.starts} ---\n".encode())
            out.flush()
            self.popen = subprocess.Popen(
                [*PROPDESK, *self.args],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=environment(),
                start_new_session=True,  # a process group of its own: see `kill`
            )

    def kill(self) -> None:
        """SIGKILL to the process and any it started (uvicorn's workers): no shutdown code
        runs. It leads a process group of its own, so the group is exactly those."""
        if self.popen is None or self.popen.returncode is not None:
            return  # never started, or already reaped: its id may name another by now
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM and wait; SIGKILL if it does not stop in time."""
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        text = self.log.read_text(errors="replace").splitlines()
        return f"--- {self.name} ---\n" + "\n".join(text[-lines:])


def server_process(db: str, port: int, logs: Path, *extra: str) -> Process:
    return Process(
        f"server-{port}",
        ["serve", "--db", db, "--port", str(port), "--log-level", "warning", *extra],
        logs,
    )


def follower_process(db: str, logs: Path) -> Process:
    args = ["projections", "run", "--db", db, "--poll", "0.05", "--page-size", "50"]
    return Process("follower", args, logs)


def wait_healthy(base: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = httpx.get(f"{base}/health", timeout=2.0)
            if response.status_code == 200:
                body: dict[str, Any] = response.json()
                return body
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{base} did not become healthy within {timeout} s")
        time.sleep(0.05)


def wait_caught_up(base: str, timeout: float = 60.0) -> dict[str, Any]:
    """Until the read models (written by the follower process) reach the head of the log."""
    deadline = time.monotonic() + timeout
    while True:
        health = wait_healthy(base, timeout)
        if health["read_models_position"] == health["log_position"]:
            return health
        if time.monotonic() > deadline:
            raise AssertionError(f"the follower did not catch up: {health}")
        time.sleep(0.05)


@contextlib.contextmanager
def stopped_at_exit(*processes: Process) -> Iterator[None]:
    try:
        yield
    finally:
        for process in processes:
            process.kill()


# -- what clients send ------------------------------------------------------------------------

INTAKE_BODIES: dict[str, dict[str, Any]] = {
    "repair": {
        "kind": "repair",
        "channel": "wechat",
        "location": "3-2-1201",
        "category": "plumbing",
        "priority": "normal",
    },
    "complaint": {
        "kind": "complaint",
        "channel": "wechat",
        "location": "north gate",
        "category": "security",
    },
    "renovation": {
        "kind": "renovation",
        "channel": "wechat",
        "location": "5-1-302",
        "category": "partial",
        "details": {"contractor": "安居装饰", "workers": "4"},
    },
}

# How often a client picks a command among those allowed: mostly forward, rarely an end.
WEIGHTS = {
    "dispatch": 6,
    "sign": 8,
    "arrive": 8,
    "quote": 2,
    "accept_quote": 6,
    "hold": 1,
    "resume": 8,
    "reply": 2,
    "complete": 8,
    "callback": 8,
    "handover": 1,
    "cancel": 0.3,
    "invalidate": 0.3,
    "approve": 6,
    "reject": 0.3,
    "inspect": 1,
    "request_acceptance": 6,
    "pass_acceptance": 6,
    "fail_acceptance": 1,
    "refund_deposit": 8,
}


def command_body(command: str, case: dict[str, Any], unique: str, rng: random.Random) -> Any:
    """Valid arguments for `command` on the case as last answered."""
    if command == "dispatch":
        return {"assignee": f"eng-{unique}", "team": "engineering"}
    if command == "quote":
        return {"amount": "120.50"}
    if command == "hold":
        return {"reason": "waiting for parts"}
    if command == "reply":
        return {"message": "we are on it"}
    if command == "complete":
        return {"resolution": "fixed"}
    if command == "callback":
        outcome = rng.choices(["satisfied", "unsatisfied", "unreachable"], [6, 2, 1])[0]
        return {"outcome": outcome, "comment": "called back"}
    if command == "handover":
        return {"to": f"desk-{unique}", "reason": "shift change"}
    if command == "cancel":
        return {"reason": "resident withdrew"}
    if command == "invalidate":
        return {"reason": "outside remit", "explanation": "the city handles street lights"}
    if command == "approve":
        return {"permit_no": f"P-{unique}", "deposit": "2000.00", "fee": "300.00"}
    if command in ("reject", "fail_acceptance"):
        return {"reasons": "drawings missing"}
    if command == "inspect":
        return {"findings": "all in order"}
    if command == "refund_deposit":
        return {"refunded": case.get("deposit") or "0.00", "withheld": "0.00"}
    return {}


# -- the load ------------------------------------------------------------------------------


@dataclass
class Op:
    """One logical request a client drives to an answer, however many attempts it takes."""

    client: int
    kind: str  # intake | command | intake-conflict | stale | not-allowed
    note: str  # unique per op: how the op is found in the event log
    case_id: str
    command: str | None = None
    attempts: int = 0
    uncertain: bool = False  # an attempt got no answer: it may have been written
    statuses: list[int] = field(default_factory=list)
    outcome: str = ""  # acknowledged | recovered | rejected
    version: int | None = None  # the version a 2xx answer's ETag named

    @property
    def written(self) -> bool:
        return self.outcome in ("acknowledged", "recovered")


class GaveUp(RuntimeError):
    pass


@dataclass
class Load:
    base: str
    channel_token: str
    staff_token: str
    channel_name: str
    seed: int
    op_timeout: float = 45.0
    ops: list[Op] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    server_errors: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def run_client(self, number: int) -> None:
        try:
            Client(self, number).run()
        except Exception as error:  # reported by the test, with the client's number
            with self.lock:
                self.failures.append(f"client {number}: {type(error).__name__}: {error}")

    def record(self, op: Op) -> None:
        with self.lock:
            self.ops.append(op)


class Client:
    def __init__(self, load: Load, number: int) -> None:
        self.load = load
        self.number = number
        self.rng = random.Random(load.seed * 1000 + number)
        self.counter = 0
        self.open: dict[str, dict[str, Any]] = {}  # case id -> the case as last answered
        self.keys: list[tuple[str, str]] = []  # acknowledged (key, kind)
        self.http = httpx.Client(base_url=load.base, timeout=httpx.Timeout(15.0, connect=3.0))

    def unique(self) -> str:
        self.counter += 1
        return f"{self.number}-{self.counter}"

    def run(self) -> None:
        with self.http:
            while not self.load.stop.is_set():
                roll = self.rng.random()
                if roll < 0.06 and self.keys:
                    self.conflicting_intake()
                elif roll < 0.12 and self.open:
                    self.rejected_command()
                elif not self.open or (len(self.open) < 4 and roll < 0.35):
                    self.intake()
                else:
                    self.step(self.rng.choice(sorted(self.open)))

    # -- sending, retrying ----------------------------------------------------------------

    def send(
        self, op: Op, path: str, body: Any, token: str, headers: dict[str, str]
    ) -> httpx.Response:
        """The same request until it is answered with anything but a 5xx; no answer, or a
        5xx, may have been written, and is sent again with the same key or If-Match."""
        deadline = time.monotonic() + self.load.op_timeout
        all_headers = {"Authorization": f"Bearer {token}", **headers}
        while True:
            op.attempts += 1
            try:
                response = self.http.post(path, json=body, headers=all_headers)
            except httpx.TransportError:
                op.uncertain = True
            else:
                op.statuses.append(response.status_code)
                if response.status_code < 500:
                    return response
                op.uncertain = True
                with self.load.lock:
                    self.load.server_errors[response.status_code] += 1
            if time.monotonic() > deadline:
                raise GaveUp(f"{op.kind} {op.note}: no answer within {self.load.op_timeout} s")
            time.sleep(0.05 + self.rng.random() * 0.1)

    def get(self, path: str) -> httpx.Response:
        deadline = time.monotonic() + self.load.op_timeout
        headers = {"Authorization": f"Bearer {self.load.staff_token}"}
        while True:
            try:
                response = self.http.get(path, headers=headers)
                if response.status_code < 500:
                    return response
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise GaveUp(f"GET {path}: no answer within {self.load.op_timeout} s")
            time.sleep(0.05 + self.rng.random() * 0.1)

    def fail(self, message: str) -> None:
        with self.load.lock:
            self.load.failures.append(f"client {self.number}: {message}")

    # -- intake ---------------------------------------------------------------------------

    def intake(self) -> None:
        kind = self.rng.choice(list(INTAKE_BODIES))
        key = f"load-{self.unique()}"
        case_id = str(case_id_for("wechat", f"{self.load.channel_name}:{key}"))
        op = Op(self.number, "intake", f"intake {key}", case_id)
        body = {
            **INTAKE_BODIES[kind],
            "description": f"request {key}",
            "received_by": f"desk-{self.number}",
            "note": op.note,
        }
        response = self.send(
            op, "/requests", body, self.load.channel_token, {"Idempotency-Key": key}
        )
        self.load.record(op)
        if response.status_code in (200, 201):
            op.outcome = "acknowledged"
            op.version = 1
            if response.status_code == 200 and not op.uncertain:
                self.fail(f"a new key {key} answered 200: a case was there before")
            if response.json()["id"] != case_id:
                self.fail(f"key {key} answered case {response.json()['id']}, not {case_id}")
            self.keys.append((key, kind))
            self.open[case_id] = self.get(f"/requests/{case_id}").json()
        else:
            op.outcome = "rejected"
            self.fail(f"intake {key} answered {response.status_code}: {response.text}")

    def conflicting_intake(self) -> None:
        """A used key with another body: 422, and nothing written."""
        key, kind = self.rng.choice(self.keys)
        case_id = str(case_id_for("wechat", f"{self.load.channel_name}:{key}"))
        op = Op(self.number, "intake-conflict", f"conflict {self.unique()}", case_id)
        body = {
            **INTAKE_BODIES[kind],
            "description": f"another request under {key}",
            "received_by": f"desk-{self.number}",
            "note": op.note,
        }
        response = self.send(
            op, "/requests", body, self.load.channel_token, {"Idempotency-Key": key}
        )
        self.load.record(op)
        op.outcome = "acknowledged" if response.is_success else "rejected"
        if response.status_code != 422:
            self.fail(f"a reused key {key} answered {response.status_code}, not 422")

    # -- commands -------------------------------------------------------------------------

    def step(self, case_id: str) -> None:
        case = self.open[case_id]
        allowed = [c.replace("-", "_") for c in case["allowed_commands"]]
        command = self.rng.choices(allowed, [WEIGHTS[c] for c in allowed])[0]
        self.command(case_id, command, case["version"], "command")

    def rejected_command(self) -> None:
        """A stale If-Match (412) or a command the state does not allow (409)."""
        case_id = self.rng.choice(sorted(self.open))
        case = self.open[case_id]
        allowed = [c.replace("-", "_") for c in case["allowed_commands"]]
        if case["version"] > 1 and self.rng.random() < 0.5:
            command = self.rng.choice(allowed)
            self.command(case_id, command, case["version"] - 1, "stale")
            return
        others = [c for c in lifecycle(case["kind"]).commands if c not in allowed]
        if others:
            self.command(case_id, self.rng.choice(others), case["version"], "not-allowed")

    def command(self, case_id: str, command: str, version: int, kind: str) -> None:
        case = self.open[case_id]
        unique = self.unique()
        op = Op(self.number, kind, f"op {unique}", case_id, command)
        body = {**command_body(command, case, unique, self.rng), "note": op.note}
        path = f"/requests/{case_id}/{command.replace('_', '-')}"
        response = self.send(op, path, body, self.load.staff_token, {"If-Match": f'"{version}"'})
        self.load.record(op)
        expected = {"command": 200, "stale": 412, "not-allowed": 409}[kind]
        if response.status_code == 200:
            op.outcome = "acknowledged"
            op.version = int(response.headers["ETag"].strip('"'))
            answered: dict[str, Any] = response.json()
            self.remember(case_id, answered)
        elif op.uncertain and kind == "command" and response.status_code == 412:
            # The first attempt may have been written before the answer was lost: the
            # retry's If-Match is then stale. The history says which it was.
            history = self.get(f"/requests/{case_id}/history").json()["events"]
            mine = [e for e in history if e["note"] == op.note]
            op.outcome = "recovered" if mine else "rejected"
            if not mine:
                self.fail(f"{command} on {case_id} at {version}: 412 and not in the history")
            self.remember(case_id, self.get(f"/requests/{case_id}").json())
        else:
            op.outcome = "rejected"
        if response.status_code != expected and op.outcome != "recovered":
            self.fail(
                f"{kind} {command} on {case_id} (If-Match {version}) answered "
                f"{response.status_code}, not {expected}: {response.text[:300]}"
            )

    def remember(self, case_id: str, case: dict[str, Any]) -> None:
        if case["state"] in TERMINAL:
            self.open.pop(case_id, None)
        else:
            self.open[case_id] = case


# -- checks over the store ------------------------------------------------------------------

EVENT_COMMANDS: dict[type[ev.CaseEvent], str] = {
    ev.Dispatched: "dispatch",
    ev.Signed: "sign",
    ev.Arrived: "arrive",
    ev.Quoted: "quote",
    ev.QuoteAccepted: "accept_quote",
    ev.Held: "hold",
    ev.Resumed: "resume",
    ev.Replied: "reply",
    ev.Completed: "complete",
    ev.CallbackRecorded: "callback",
    ev.HandedOver: "handover",
    ev.Cancelled: "cancel",
    ev.Invalidated: "invalidate",
    ev.Approved: "approve",
    ev.Rejected: "reject",
    ev.Inspected: "inspect",
    ev.AcceptanceRequested: "request_acceptance",
    ev.AcceptancePassed: "pass_acceptance",
    ev.AcceptanceFailed: "fail_acceptance",
    ev.DepositRefunded: "refund_deposit",
}
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


def report(test: str, summary: dict[str, Any]) -> None:
    """One line on stdout; a JSON line appended to $PROPDESK_LOAD_REPORT if set."""
    print(
        f"\n{test}[{summary['backend']}]: "
        + ", ".join(f"{k}={v}" for k, v in summary.items() if k != "backend")
    )
    summary = {"test": test, **summary}
    path = os.environ.get("PROPDESK_LOAD_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(summary) + "\n")


# -- racing processes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Race:
    case_id: str
    version: int  # what both sides name as expected (If-Match)
    commands: tuple[tuple[str, dict[str, Any]], tuple[str, dict[str, Any]]]  # per side


@dataclass(frozen=True)
class RaceSide:
    side: int
    mode: str  # service | http
    db: str
    races: tuple[Race, ...]
    base: str = ""
    token: str = ""


def note_of(race: Race, side: int) -> str:
    return f"race {race.case_id} side {side}"


def race_side(spec: RaceSide, barrier: Any, results: Any) -> None:
    """One racing process: for each case, wait for the other side, then send its command
    on the version both saw. Puts (case id, outcome) pairs on `results`."""
    outcomes: list[tuple[str, str]] = []
    try:
        if spec.mode == "service":
            outcomes = _race_service(spec, barrier)
        else:
            outcomes = _race_http(spec, barrier)
    finally:
        results.put((spec.side, outcomes))


def _race_service(spec: RaceSide, barrier: Any) -> list[tuple[str, str]]:
    # One side opens the application after the other: two processes opening it at the same
    # moment on PostgreSQL can fail ("tuple concurrently updated" from eventsourcing's
    # CREATE OR REPLACE FUNCTION), which is not the race under test.
    if spec.side == 1:
        barrier.wait(timeout=60)
    app = open_service(Settings.load({}, db=spec.db))
    if spec.side == 0:
        barrier.wait(timeout=60)
    outcomes: list[tuple[str, str]] = []
    try:
        app.get(spec.races[0].case_id)  # connections open before the first race
        for race in spec.races:
            command, arguments = race.commands[spec.side]
            barrier.wait(timeout=60)
            try:
                getattr(app, command)(
                    race.case_id,
                    actor=f"racer-{spec.side}",
                    note=note_of(race, spec.side),
                    expected_version=race.version,
                    **arguments,
                )
            except ConcurrencyConflict as conflict:
                outcome = "conflict-at-save" if conflict.actual is None else "conflict-at-load"
            except Exception as error:
                outcome = f"error {type(error).__name__}: {error}"
            else:
                outcome = "won"
            outcomes.append((race.case_id, outcome))
    finally:
        app.close()
    return outcomes


def _race_http(spec: RaceSide, barrier: Any) -> list[tuple[str, str]]:
    outcomes: list[tuple[str, str]] = []
    headers = {"Authorization": f"Bearer {spec.token}"}
    with httpx.Client(base_url=spec.base, timeout=30.0, headers=headers) as client:
        client.get("/health")  # a connection open before the first race
        for race in spec.races:
            command, arguments = race.commands[spec.side]
            body = {**arguments, "note": note_of(race, spec.side)}
            path = f"/requests/{race.case_id}/{command.replace('_', '-')}"
            barrier.wait(timeout=60)
            try:
                response = client.post(path, json=body, headers={"If-Match": f'"{race.version}"'})
                outcome = "won" if response.status_code == 200 else str(response.status_code)
                if response.status_code not in (200, 409, 412):
                    outcome += f" {response.text[:200]}"
            except httpx.TransportError as error:
                outcome = f"error {type(error).__name__}: {error}"
            outcomes.append((race.case_id, outcome))
    return outcomes


def stored_versions(app: CaseService, case_id: str) -> list[int]:
    """The versions of the case's events as the recorder stores them."""
    return [e.originator_version for e in app.recorder.select_events(UUID(case_id))]
