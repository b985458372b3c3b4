"""Servers under test, run as processes of their own: free ports, readiness, logs,
and tokens for them."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paths import PROPDESK, ROOT, SCRATCH
from terminal import console


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(url: str, timeout: float = 5.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str, timeout: float = 600.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            try:
                get_json(self.url + path, timeout=2)
                return
            except (OSError, urllib.error.URLError, ValueError):
                time.sleep(0.2)
        raise TimeoutError(f"{self.name} did not answer {path} in {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def running(name: str, argv: list[str], ready_path: str, port: int) -> Iterator[Server]:
    log = SCRATCH / f"{name}.log"
    SCRATCH.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink:
        process = subprocess.Popen(argv, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
        server = Server(name, process, port)
        try:
            with console.status(f"starting {name}"):
                server.wait_ready(ready_path)
            yield server
        except BaseException:
            server.stop()
            console.print(f"[red]{name} log ({log}):[/red]")
            console.print(log.read_text(errors="replace")[-3000:], markup=False, highlight=False)
            raise
        server.stop()


# The agent bench/intake.lua names as each request's receiver: a channel may name only a
# known agent or supervisor.
RECEIVER = "desk-li"


def intake_token(db: Path, name: str) -> str:
    """A channel token for intake load, and a token for the receiver its requests name."""
    new_token(db, RECEIVER, "agent")
    return new_token(db, name)


def new_token(db: Path, name: str, role: str = "channel") -> str:
    out = subprocess.run(
        [PROPDESK, "token", "new", name, "--role", role, "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]
