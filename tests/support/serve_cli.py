"""`propdesk serve` as a subprocess, as a person starts it: its stderr, its health, its
clean stop."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def serve(
    db: str, port: int, *extra: str, environ: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    propdesk = Path(sys.executable).with_name("propdesk")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPDESK_")}
    env.update(environ or {})
    return subprocess.Popen(
        [str(propdesk), "serve", "--db", db, "--port", str(port), "--log-level", "warning", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def ended(server: subprocess.Popen[bytes], timeout: float = 60) -> str:
    """The stderr of a server that must exit by itself; one still running is stopped (so
    that no test leaves a server behind) and fails the test."""
    try:
        _, stderr = server.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        server.kill()
        _, said = server.communicate(timeout=30)
        pytest.fail(f"still running after {timeout:.0f} s; it said:\n{said.decode()[-3000:]}")
    return stderr.decode()


def wait_healthy(port: int, server: subprocess.Popen[bytes]) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while True:
        assert server.poll() is None, "the server exited"
        try:
            answer = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
            body: dict[str, object] = answer.json()
            return body
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)


@contextmanager
def serving(
    db: str, port: int, *extra: str, environ: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """A serve, healthy, that must then stop cleanly on SIGTERM (within the time its
    workers and follower are each given to stop)."""
    server = serve(db, port, *extra, environ=environ)
    try:
        wait_healthy(port, server)
        yield server
    finally:
        server.terminate()
        stderr = ended(server, timeout=90)
    assert server.returncode == 0, stderr
