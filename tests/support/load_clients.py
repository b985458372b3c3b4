"""The load: client threads that record requests with idempotency keys and drive cases
with commands under If-Match, now and then send what must be refused, and send what got no
answer (or a 5xx) again, with the same key or If-Match, until it is answered.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from api.http.intake.request import key_scope
from support.load_requests import INTAKE_BODIES, SENDABLE, WEIGHTS, Op, command_body
from workflow.intake import case_id_for
from workflow.lifecycles import TERMINAL, lifecycle


class GaveUp(RuntimeError):
    pass


@dataclass
class Load:
    base: str
    channel_token: str
    staff_token: str
    channel_name: str
    seed: int
    # Whom the channel names as each request's receiver: a known agent or supervisor.
    receiver: str = "sup-load"
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
        case_id = str(case_id_for(key_scope(self.load.channel_name), key))
        op = Op(self.number, "intake", f"intake {key}", case_id)
        response = self.post_intake(op, key, kind, f"request {key}")
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

    def post_intake(self, op: Op, key: str, kind: str, description: str) -> httpx.Response:
        """A channel's intake under `key`, recorded as `op`."""
        body = {
            **INTAKE_BODIES[kind],
            "description": description,
            "received_by": self.load.receiver,
            "note": op.note,
        }
        response = self.send(
            op, "/requests", body, self.load.channel_token, {"Idempotency-Key": key}
        )
        self.load.record(op)
        return response

    def conflicting_intake(self) -> None:
        """A used key with another body: 422, and nothing written."""
        key, kind = self.rng.choice(self.keys)
        case_id = str(case_id_for(key_scope(self.load.channel_name), key))
        op = Op(self.number, "intake-conflict", f"conflict {self.unique()}", case_id)
        response = self.post_intake(op, key, kind, f"another request under {key}")
        op.outcome = "acknowledged" if response.is_success else "rejected"
        if response.status_code != 422:
            self.fail(f"a reused key {key} answered {response.status_code}, not 422")

    # -- commands -------------------------------------------------------------------------

    def step(self, case_id: str) -> None:
        case = self.open[case_id]
        allowed = self.sendable(case["allowed_commands"])
        command = self.rng.choices(allowed, [WEIGHTS[c] for c in allowed])[0]
        self.command(case_id, command, case["version"], "command")

    @staticmethod
    def sendable(commands: list[str] | tuple[str, ...]) -> list[str]:
        """Of these commands (wire or method names), those the load's token may send."""
        return [c.replace("-", "_") for c in commands if c.replace("-", "_") in SENDABLE]

    def rejected_command(self) -> None:
        """A stale If-Match (412) or a command the state does not allow (409)."""
        case_id = self.rng.choice(sorted(self.open))
        case = self.open[case_id]
        allowed = self.sendable(case["allowed_commands"])
        if case["version"] > 1 and self.rng.random() < 0.5:
            command = self.rng.choice(allowed)
            self.command(case_id, command, case["version"] - 1, "stale")
            return
        others = [c for c in self.sendable(lifecycle(case["kind"]).commands) if c not in allowed]
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
