"""A webhook receiver in the test process: it records every request it is sent and answers
by the request's path, one behaviour a path (see `Receiver.answer`)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from projections.notices.store import INSERT_NOTICE, NoticeStore
from projections.times import to_micros


@dataclass(frozen=True)
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, object]:
        document = json.loads(self.body)
        assert isinstance(document, dict)
        return document


class Receiver:
    """Paths: /ok answers 204; /fail 500; /gone 410; /hang nothing until released;
    /flaky 500 once, then 204; /robot 200 with errcode 0; /robot-refuses errcode 310000."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"

    def to(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def answer(self, path: str) -> tuple[int, bytes]:
        if path == "/hang":
            self.release.wait(60)
            return 204, b""
        if path == "/flaky":
            return (500, b"") if len(self.to(path)) == 1 else (204, b"")
        if path.startswith("/robot"):
            code = 310000 if path == "/robot-refuses" else 0
            return 200, json.dumps(
                {"errcode": code, "errmsg": "ok" if not code else "sign not match"}
            ).encode()
        return {"/ok": 204, "/fail": 500, "/gone": 410}.get(path, 404), b""

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's name
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                parts = urlsplit(self.path)
                with receiver._lock:
                    receiver.requests.append(
                        Received(parts.path, parse_qs(parts.query), dict(self.headers), body)
                    )
                status, answer = receiver.answer(parts.path)
                try:
                    self.send_response(status)
                    self.send_header("content-length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the deliverer gave up waiting (a hanging path)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    @contextmanager
    def serving(self) -> Iterator[Receiver]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release.set()
            self._server.shutdown()
            self._server.server_close()


class Clock:
    """A clock the test moves."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 12, 7, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def put_notice(
    store: NoticeStore,
    *,
    case_id: str,
    type_: str = "milestone.at_risk",
    community: str = "default",
    emitted_at: datetime,
    milestone: str | None = "dispatch",
    due_at: datetime | None = None,
) -> str:
    """Puts a notice in the outbox as the follower would; returns its id."""
    notice_id = f"{case_id}/{milestone}/1/{type_}"
    at = to_micros(emitted_at)
    due = to_micros(due_at or emitted_at + timedelta(minutes=10))
    row = (notice_id, type_, case_id, community, "repair", milestone, 1, due, at, at, 0)
    store.execute([(INSERT_NOTICE, [row])])
    return notice_id
