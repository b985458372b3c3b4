"""The `propdesk` processes of the crash, load and race tests: servers and the projections
follower, each with its output in a log file, started, killed and restarted; free loopback
ports, tokens, and waits until a server is healthy and the follower caught up.

Everything runs on loopback. The processes are `propdesk` itself, started as
`python -c "from api.cli.main import main; main()" ...` with PYTHONPATH=src.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
PROPDESK = [sys.executable, "-c", "from api.cli.main import main; main()"]


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

    def freeze(self) -> None:
        """SIGSTOP to the process and any it started, and wait until it has stopped: it
        stays exactly where it was, mid-work, until killed; nothing more is written."""
        assert self.popen is not None, f"{self.name} was never started"
        os.killpg(self.popen.pid, signal.SIGSTOP)
        _, status = os.waitpid(self.popen.pid, os.WUNTRACED)
        assert os.WIFSTOPPED(status), f"{self.name} ended instead of stopping: {self.tail()}"

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
