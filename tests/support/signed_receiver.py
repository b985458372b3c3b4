"""A json webhook receiver in the test process that checks what a real one would: every
request's Standard Webhooks signature, verified with the endpoint's secret as the docs tell
a receiver to (written here again, not taken from propdesk's signing code), and each
arrival kept with its time, `webhook-id` and notice id. It refuses the first attempt of
every third delivery (500), so that some deliveries are tried again, across a kill too, and
holds each answer a moment, so that a test can kill the sender while one is under way."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REFUSE_EVERY = 3  # the first attempt of every third delivery is answered 500
HOLD = 0.2  # seconds each answer is held back
REPLAY_WINDOW = 300  # seconds a signature's timestamp may be from the receiver's clock


@dataclass(frozen=True)
class Arrival:
    at: float  # time.monotonic() when it arrived
    webhook_id: str
    notice_id: str
    type: str
    late: bool
    signed: bool  # the signature verified with the endpoint's secret
    status: int  # what the receiver answered


def verified(secret: str, headers: dict[str, str], body: bytes) -> bool:
    try:
        stamp, webhook_id = headers["webhook-timestamp"], headers["webhook-id"]
        entries = headers["webhook-signature"].split()
    except KeyError:
        return False
    if abs(time.time() - int(stamp)) > REPLAY_WINDOW:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{webhook_id}.{stamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(expected, entry.removeprefix("v1,"))
        for entry in entries
        if entry.startswith("v1,")
    )


class SignedReceiver:
    def __init__(self) -> None:
        self.secret = ""  # the endpoint's, set once it is added
        self.arrivals: list[Arrival] = []
        self._seen: list[str] = []  # webhook-ids in the order of their first arrival
        self.holding = 0  # answers of 200 being held back now
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def taken(self) -> list[Arrival]:
        """The arrivals answered 200, in the order they came."""
        with self._lock:
            return [a for a in self.arrivals if a.status == 200]

    def _take(self, headers: dict[str, str], body: bytes) -> int:
        document = json.loads(body)
        webhook_id = headers.get("webhook-id", "")
        with self._lock:
            first = webhook_id not in self._seen
            if first:
                self._seen.append(webhook_id)
            refused = first and len(self._seen) % REFUSE_EVERY == 0
            status = 500 if refused else 200
            self.arrivals.append(
                Arrival(
                    at=time.monotonic(),
                    webhook_id=webhook_id,
                    notice_id=str(document["data"]["notice_id"]),
                    type=str(document["type"]),
                    late=bool(document["data"]["late"]),
                    signed=verified(self.secret, headers, body),
                    status=status,
                )
            )
        return status

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's name
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = receiver._take(headers, body)
                with receiver._lock:
                    receiver.holding += status == 200
                time.sleep(HOLD)
                with receiver._lock:
                    receiver.holding -= status == 200
                try:
                    self.send_response(status)
                    self.send_header("content-length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender died waiting: it never learns this was taken

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    @contextmanager
    def serving(self) -> Iterator[SignedReceiver]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
