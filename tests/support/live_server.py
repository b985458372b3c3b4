"""The app served by a real uvicorn server in a thread of the test process, on a loopback
port, with the protocol `propdesk serve` gives it: for tests that need real sockets (slow
and hostile clients) and the server's log in `caplog`. Raw HTTP/1.1 over sockets, too.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from api.config.server import ConnectionLimits, ServerConfig
from api.http.app import create_app
from api.http.guarded_protocol import GuardedProtocol
from support.processes import free_port


@dataclass(frozen=True)
class Live:
    host: str
    port: int

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def connect(self, timeout: float = 10.0) -> socket.socket:
        return socket.create_connection((self.host, self.port), timeout=timeout)


@contextmanager
def live_server(config: ServerConfig, limits: ConnectionLimits | None = None) -> Iterator[Live]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config),
            host="127.0.0.1",
            port=port,
            log_level="info",
            log_config=None,  # the lines reach the test's caplog
            http=GuardedProtocol.with_limits(limits or config.limits),
        )
    )
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the server did not start"
        assert time.monotonic() < deadline, "the server did not start in 30 s"
        time.sleep(0.02)
    try:
        yield Live("127.0.0.1", port)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (or resets it)."""
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    return b"".join(chunks)


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    """One response with a Content-Length from a kept-alive connection: status, body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed after {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = next(
        int(line.split(b":", 1)[1]) for line in lines if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed inside a body"
        body += chunk
    return int(lines[0].split()[1]), body
