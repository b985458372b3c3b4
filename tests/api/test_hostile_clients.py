"""The built-in server against slow and hostile clients, over real sockets: a request head
over its cap, connections that never finish a request, a client gone in mid-body; and
well-behaved keep-alive clients, which none of this may touch."""

from __future__ import annotations

import json
import logging
import selectors
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.config.server import ConnectionLimits, ServerConfig
from api.storage.tokens import open_tokens
from support.live_server import Live, live_server, read_response, read_until_closed
from support.request_bodies import REPAIR

LIMITS = ConnectionLimits(head_bytes=16 * 1024, head_seconds=0.5, body_seconds=0.5)
BODY = json.dumps(REPAIR).encode()


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Live]:
    # The server's lines reach caplog through the root logger (uvicorn's own logging
    # configuration, where another test applied it, stops them at "uvicorn").
    monkeypatch.setattr(logging.getLogger("uvicorn"), "propagate", True)
    config = ServerConfig.load({}, db=str(tmp_path / "propdesk.db"))
    with live_server(config, LIMITS) as server:
        yield server


@pytest.fixture
def token(tmp_path: Path) -> str:
    tokens = open_tokens(ServerConfig.load({}, db=str(tmp_path / "propdesk.db")).settings)
    try:
        return tokens.issue("desk-zhang", "agent")
    finally:
        tokens.close()


def head_of(size: int) -> bytes:
    """A GET /health whose line and headers take exactly `size` bytes."""
    start, end = b"GET /health HTTP/1.1\r\nHost: t\r\nX-Filler: ", b"\r\n\r\n"
    return start + b"a" * (size - len(start) - len(end)) + end


def status_of(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer.split()[1])


@pytest.mark.parametrize("piece", [None, 1000], ids=["one-write", "many-writes"])
def test_a_head_of_exactly_the_cap_is_served_and_one_byte_more_is_answered_431(
    live: Live, piece: int | None
) -> None:
    for size, expected in ((LIMITS.head_bytes, 200), (LIMITS.head_bytes + 1, 431)):
        with live.connect() as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            request = head_of(size)
            step = piece or len(request)
            for at in range(0, len(request), step):
                sock.sendall(request[at : at + step])
                if piece:
                    time.sleep(0.001)
            status, body = read_response(sock)
        assert status == expected, (size, body)
        if expected == 431:
            problem = json.loads(body)
            assert problem["status"] == 431
            assert f"at most {LIMITS.head_bytes} are accepted" in problem["detail"]


def test_a_huge_header_is_cut_off_at_once_and_health_stays_fast(live: Live) -> None:
    sock = live.connect()
    sent = threading.Event()

    def send_eight_megabytes() -> None:
        try:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\nX-Filler: ")
            for _ in range(128):
                sock.sendall(b"a" * 65536)
        except OSError:
            pass  # the server closed the connection: what is expected
        sent.set()

    started = time.monotonic()
    sender = threading.Thread(target=send_eight_megabytes)
    sender.start()
    try:
        health_started = time.monotonic()
        assert httpx.get(f"{live.base}/health", timeout=5).status_code == 200
        assert time.monotonic() - health_started < 1.0
        answer = read_until_closed(sock)
        assert status_of(answer) == 431
        assert time.monotonic() - started < 2.0
    finally:
        sock.close()
        sender.join(timeout=30)


def test_a_connection_that_sends_nothing_is_closed_after_the_head_timeout(live: Live) -> None:
    with live.connect(timeout=5) as sock:
        started = time.monotonic()
        assert read_until_closed(sock) == b""  # closed without an answer
        waited = time.monotonic() - started
    assert LIMITS.head_seconds - 0.1 <= waited < LIMITS.head_seconds + 2


def test_a_slowloris_is_answered_408_and_closed_after_the_head_timeout(live: Live) -> None:
    with live.connect(timeout=5) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n")
        # A selector, not select(): a long session's descriptors may pass select's 1024.
        with selectors.DefaultSelector() as answered:
            answered.register(sock, selectors.EVENT_READ)
            while time.monotonic() - started < 5:
                if answered.select(0.05):
                    break
                sock.sendall(b"X-Drip: 1\r\n")  # a header line every 50 ms, never the end
        answer = read_until_closed(sock)
        waited = time.monotonic() - started
    assert status_of(answer) == 408
    assert b"did not arrive within 0.5 s" in answer
    assert waited < LIMITS.head_seconds + 2


def test_a_slow_body_is_answered_408_and_logs_one_line_without_a_traceback(
    live: Live, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    caplog.clear()
    with live.connect(timeout=5) as sock:
        client = f"127.0.0.1:{sock.getsockname()[1]}"
        started = time.monotonic()
        sock.sendall(
            b"POST /requests HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {token}\r\nContent-Length: {len(BODY)}\r\n\r\n".encode()
            + BODY[:20]
        )
        answer = read_until_closed(sock)
        waited = time.monotonic() - started
    assert status_of(answer) == 408
    assert b"the request's body did not arrive within 0.5 s" in answer
    assert waited < LIMITS.body_seconds + 2
    assert_quiet_about_the_client(
        caplog,
        [
            f"{client}: the request's body took over 0.5 s",
            "POST /requests: the client went away before its request was read",
        ],
        "went away",
    )


def test_a_client_gone_in_mid_body_leaves_one_log_line_and_no_traceback(
    live: Live, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    caplog.clear()
    with live.connect() as sock:
        sock.sendall(
            b"POST /requests HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {token}\r\nContent-Length: {len(BODY)}\r\n\r\n".encode()
            + BODY[:20]
        )
        time.sleep(0.1)  # the body's start is read before the client goes
    assert_quiet_about_the_client(
        caplog, ["POST /requests: the client went away before its request was read"], "went away"
    )


def assert_quiet_about_the_client(
    caplog: pytest.LogCaptureFixture, lines: list[str], expected: str
) -> None:
    """The server says what happened in these lines (waiting for them), and no more."""
    deadline = time.monotonic() + 5
    while not any(expected in r.getMessage() for r in caplog.records):
        assert time.monotonic() < deadline, [r.getMessage() for r in caplog.records]
        time.sleep(0.05)
    time.sleep(0.3)  # anything the server would say after it
    said = [r for r in caplog.records if r.name != "uvicorn.access"]
    assert [r.exc_info for r in said] == [None] * len(said)
    assert [r.getMessage() for r in said] == lines


def test_a_keep_alive_client_that_pauses_and_sends_in_pieces_is_served(
    live: Live, token: str
) -> None:
    pause = LIMITS.head_seconds * 0.6  # within the limits; all the pauses are far over
    with live.connect() as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for _ in range(4):
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n")
            time.sleep(pause / 2)
            sock.sendall(b"\r\n")
            assert read_response(sock)[0] == 200
            time.sleep(pause)
        head = (
            b"POST /requests HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {token}\r\nContent-Length: {len(BODY)}\r\n\r\n".encode()
        )
        sock.sendall(head[:40])
        time.sleep(pause)
        sock.sendall(head[40:])
        for piece in (BODY[:20], BODY[20:40], BODY[40:]):  # all within the body's time
            time.sleep(pause / 3)
            sock.sendall(piece)
        status, body = read_response(sock)
    assert status == 201, body


def test_pipelined_requests_in_one_write_are_all_served(live: Live) -> None:
    with live.connect() as sock:
        sock.sendall(head_of(LIMITS.head_bytes // 2) * 3)  # 1.5 times the cap in one write
        assert [read_response(sock)[0] for _ in range(3)] == [200, 200, 200]
