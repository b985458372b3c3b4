"""uvicorn's httptools protocol with the limits it lacks against slow or hostile clients.

httptools buffers a header of any size, joining its pieces as they arrive, so one huge
header held a worker for seconds; and uvicorn times out only idle keep-alive
connections, so a connection that never finished a request (a silent socket, a
slowloris, a slow body) stayed open for ever. Here a request's head (its line and
headers) may take at most `head_bytes` (431 and close), and must arrive within
`head_seconds` of the connection's opening or of the request's first byte, its body
within `body_seconds` of the head's end (408 and close; a silent connection is closed
without an answer).

The checks run once per read, after uvicorn has parsed it: a request that arrives in
one read sets no timer at all.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any, ClassVar, cast

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from api.config.server import ConnectionLimits
from api.http.problems import PROBLEM_MEDIA_TYPE, TYPE_BASE

log = logging.getLogger("uvicorn.error")  # beside uvicorn's own "Invalid HTTP request"


# What a connection waits for, against a timer (plain strings: an Enum member's lookup
# costs more on this path than the rest of the check).
HEAD, BODY = "headers", "body"


class GuardedProtocol(HttpToolsProtocol):
    limits: ClassVar[ConnectionLimits] = ConnectionLimits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._room = self.limits.head_bytes  # what the head being read may still take
        self._phase: str | None = None  # what the connection waits for, against a timer
        self._timer: asyncio.TimerHandle | None = None
        self._upgraded = False

    @classmethod
    def with_limits(cls, limits: ConnectionLimits) -> type[GuardedProtocol]:
        """The class uvicorn is given (`http=`): it builds one protocol per connection."""
        return cast(type[GuardedProtocol], type(cls.__name__, (cls,), {"limits": limits}))

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._wait_for(HEAD)  # a silent connection is timed from its opening

    def connection_lost(self, exc: Exception | None) -> None:
        self._wait_for(None)
        super().connection_lost(exc)

    def handle_websocket_upgrade(self) -> None:
        self._wait_for(None)  # another protocol takes the connection over
        self._upgraded = True
        super().handle_websocket_upgrade()

    def data_received(self, data: bytes) -> None:
        cycle, in_body = self.cycle, self._phase is BODY
        if not in_body and len(data) > self._room:
            # The read may take the head past its cap: the parser is given only what the
            # head may still take, so that it finds the head's end, if it is there.
            if self._room:
                super().data_received(data[: self._room])
            if self._upgraded or self.transport.is_closing():
                return
            if self.cycle is cycle and self._reading_head():
                self._head_too_large()
                return
            super().data_received(data[self._room :])
        else:
            super().data_received(data)
        # Written out, not in helpers: this runs on every read of every request.
        if self._upgraded or self.transport.is_closing():
            return
        scope: Mapping[str, Any] | None = self.scope
        if scope is None:  # nothing but blank lines so far
            return
        if "method" not in scope:  # a request's first bytes came, its head has not ended
            # A head that began after another request in the same read is counted from
            # the next read (it then takes at most one read more than its cap).
            continues = not in_body and self.cycle is cycle
            self._room = self._room - len(data) if continues else self.limits.head_bytes
            self._wait_for(HEAD)
            return
        self._room = self.limits.head_bytes
        # Also after an early answer (401, 413): the rest of the body still holds the connection.
        if self.cycle is not None and self.cycle.more_body:
            self._wait_for(BODY)
        elif self._phase is not None:
            self._wait_for(None)

    def _reading_head(self) -> bool:
        """Whether a request's first bytes have arrived and its head has not ended (uvicorn
        gives the scope its method when the head ends)."""
        scope: Mapping[str, Any] | None = self.scope
        return scope is not None and "method" not in scope

    def _wait_for(self, phase: str | None) -> None:
        if phase is self._phase:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._phase = phase
        if phase is None:
            self._timer = None
            return
        seconds = self.limits.head_seconds if phase == HEAD else self.limits.body_seconds
        self._timer = self.loop.call_later(seconds, self._too_slow, phase, seconds)

    def _too_slow(self, phase: str, seconds: float) -> None:
        self._timer = None
        if self.transport.is_closing():
            return
        started = phase == BODY or self._reading_head()
        if started and (self.cycle is None or not self.cycle.response_started):
            log.info("%s: the request's %s took over %g s", self._who(), phase, seconds)
            self._answer(
                408,
                "request-timeout",
                "Request timeout",
                f"the request's {phase} did not arrive within {seconds:g} s",
            )
        self.transport.close()

    def _head_too_large(self) -> None:
        limit = self.limits.head_bytes
        log.info("%s: a request's line and headers passed %d bytes", self._who(), limit)
        self._answer(
            431,
            "headers-too-large",
            "Request header fields too large",
            f"the request line and headers are over {limit} bytes; at most {limit} are accepted",
        )
        self.transport.close()

    def _answer(self, status: int, slug: str, title: str, detail: str) -> None:
        """A problem document written straight to the connection, which then closes."""
        problem = {"type": TYPE_BASE + slug, "title": title, "status": status, "detail": detail}
        body = json.dumps(problem).encode()
        content = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: " + PROBLEM_MEDIA_TYPE.encode() + b"\r\n",
                b"content-length: " + str(len(body)).encode() + b"\r\n",
                b"connection: close\r\n\r\n",
                body,
            ]
        )
        self.transport.write(b"".join(content))

    def _who(self) -> str:
        return f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
