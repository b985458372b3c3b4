"""`propdesk token ...` and `propdesk serve` as a person runs them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.config.settings import Settings
from api.storage.tokens import open_tokens
from api.wiring import open_follower, open_read_models
from support.backends import database
from support.driver import receive
from support.request_bodies import REPAIR
from support.serve_cli import ended as _ended
from support.serve_cli import serve as _serve
from support.serve_cli import wait_healthy as _wait_healthy

runner = CliRunner()


def test_token_new_prints_the_token_as_its_last_line_and_stores_only_its_hash(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "propdesk.db")
    result = runner.invoke(app, ["token", "new", "desk-zhang", "--role", "agent", "--db", db])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("pd_")
    store = open_tokens(Settings.load({}, db=db))
    found = store.verify(token)
    assert found is not None
    assert (found.name, found.role.value) == ("desk-zhang", "agent")
    assert token.encode() not in Path(db).read_bytes()
    store.close()


def test_a_name_gets_a_new_token_only_after_its_old_one_is_revoked(tmp_path: Path) -> None:
    db = str(tmp_path / "propdesk.db")
    first = runner.invoke(app, ["token", "new", "eng-wang", "--role", "worker", "--db", db])
    again = runner.invoke(app, ["token", "new", "eng-wang", "--role", "worker", "--db", db])
    assert (first.exit_code, again.exit_code) == (0, 2)
    assert "revoke it first" in again.output
    assert runner.invoke(app, ["token", "revoke", "eng-wang", "--db", db]).exit_code == 0
    assert runner.invoke(app, ["token", "revoke", "eng-wang", "--db", db]).exit_code == 2
    store = open_tokens(Settings.load({}, db=db))
    assert store.verify(first.output.strip().splitlines()[-1]) is None
    store.close()
    renewed = runner.invoke(app, ["token", "new", "eng-wang", "--role", "worker", "--db", db])
    assert renewed.exit_code == 0
    listed = runner.invoke(app, ["token", "list", "--db", db]).output
    assert listed.startswith("eng-wang\tworker\t*\t")
    assert listed.rstrip().endswith("active")


def test_an_unknown_role_is_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "propdesk.db")
    result = runner.invoke(app, ["token", "new", "x", "--role", "janitor", "--db", db])
    assert result.exit_code == 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_serve_with_two_workers_follows_the_log_once_beside_them(db: str) -> None:
    store = open_tokens(Settings.load({}, db=db))
    token = store.issue("desk-zhang", "agent")
    store.close()
    port = free_port()
    propdesk = Path(sys.executable).with_name("propdesk")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPDESK_")}
    server = subprocess.Popen(
        [str(propdesk), "serve", "--db", db, "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    health = client.get("/health")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            assert health.json()["follower"] is False  # the workers do not follow
            headers = {"Authorization": f"Bearer {token}"}
            created = client.post("/requests", json=REPAIR, headers=headers)
            assert created.status_code == 201
            found = client.get(
                "/requests",
                params={"min_position": created.headers["X-Event-Position"]},
                headers=headers,
            )
            assert [c["id"] for c in found.json()["items"]] == [created.json()["id"]]
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert server.returncode == 0, stderr.decode()


def _children(pid: int) -> set[int]:
    """Every process started, directly or not, by `pid`."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def test_a_killed_server_leaves_no_worker_or_follower_behind(db: str) -> None:
    port = free_port()
    server = _serve(db, port)
    try:
        _wait_healthy(port, server)
        started = _children(server.pid)
        # the follower (SQLite) or the follower's candidate (PostgreSQL), and the workers
        assert len(started) >= 2
        server.kill()  # SIGKILL: no shutdown code runs in the server itself
        server.wait(timeout=10)
        deadline = time.monotonic() + 15
        while (left := {p for p in started if Path(f"/proc/{p}").exists()}) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.2)
        assert not left, f"still running after the server was killed: {sorted(left)}"
        # The port is free again: a new server starts on it.
        again = _serve(db, port)
        try:
            assert _wait_healthy(port, again)["status"] == "ok"
        finally:
            again.terminate()
            again.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
        server.communicate(timeout=30)


@pytest.mark.parametrize(
    ("backend", "said"),
    [
        ("sqlite", "follower exited with status 2"),
        # elected beside the workers, which were serving meanwhile
        ("postgres", "the server stopped: a role's job cannot run"),
    ],
)
def test_serve_stops_with_the_followers_error_when_it_cannot_follow(
    tmp_path: Path, backend: str, said: str
) -> None:
    with database(backend, tmp_path) as db:
        _stops_with_the_followers_error(db, said)


def _stops_with_the_followers_error(db: str, said: str) -> None:
    settings = Settings.load({}, db=db)
    follower = open_follower(settings, settings.policy)
    receive(follower.app, "repair")
    follower.catch_up()
    follower.app.close()
    open_read_models(settings).set_meta("schema", "0")  # read models of an older layout
    server = _serve(db, free_port())
    text = _ended(server)
    assert server.returncode == 2
    assert "projections rebuild" in text
    assert said in text
    assert "Traceback" not in text


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PROPDESK_HTTP_TELEMETRY", "maybe", "PROPDESK_HTTP_TELEMETRY='maybe'; use on or off"),
        ("PROPDESK_HTTP_READ_WAIT", "soon", "PROPDESK_HTTP_READ_WAIT='soon' is not a number"),
        ("PROPDESK_LATE_LIMIT_FIELD", "soon", "PROPDESK_LATE_LIMIT_FIELD='soon' is not a duration"),
        ("PROPDESK_HTTP_HEAD_LIMIT", "1m", "PROPDESK_HTTP_HEAD_LIMIT='1m' is not a whole number"),
        ("PROPDESK_HTTP_BODY_TIMEOUT", "-1", "PROPDESK_HTTP_BODY_TIMEOUT='-1'; use 0.1 to 600"),
    ],
)
def test_serve_refuses_a_bad_server_setting_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "propdesk.db")])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "propdesk.readmodels.db").exists()  # nothing was started


def test_a_second_server_on_a_busy_port_is_refused_before_it_starts(tmp_path: Path) -> None:
    db, port = str(tmp_path / "propdesk.db"), free_port()
    first = _serve(db, port)
    try:
        _wait_healthy(port, first)
        second = _serve(str(tmp_path / "other.db"), port)
        text = _ended(second)
        assert second.returncode == 2
        assert f"cannot listen on 127.0.0.1:{port}" in text
        assert not (tmp_path / "other.readmodels.db").exists()  # refused before following
    finally:
        first.terminate()
        first.communicate(timeout=30)


def test_a_worker_that_dies_is_replaced_and_the_server_keeps_answering(tmp_path: Path) -> None:
    db, port = str(tmp_path / "propdesk.db"), free_port()
    server = _serve(db, port, "--workers", "2")
    try:
        _wait_healthy(port, server)  # one worker answers; the other may still be starting
        deadline = time.monotonic() + 30
        while len(workers := {p for p in _children(server.pid) if _listens_on(p, port)}) < 2:
            assert time.monotonic() < deadline, f"listening: {sorted(workers)}"
            time.sleep(0.2)
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while True:
            now = {p for p in _children(server.pid) if _listens_on(p, port)}
            if victim not in now and len(now) == len(workers):
                break
            assert time.monotonic() < deadline, f"no new worker: {sorted(now)}"
            time.sleep(0.2)
        for _ in range(10):  # whichever worker the kernel picks answers
            assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert server.returncode == 0, stderr.decode()


def _listens_on(pid: int, port: int) -> bool:
    """Whether the process holds a listening TCP socket on the port."""
    try:
        inodes = {
            link.readlink().name[len("socket:[") : -1]
            for link in Path(f"/proc/{pid}/fd").iterdir()
            if link.readlink().name.startswith("socket:[")
        }
    except OSError:
        return False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if fields[3] == "0A" and local_port == port and fields[9] in inodes:  # 0A: LISTEN
                return True
    return False
