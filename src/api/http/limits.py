"""Request bodies over the limit answer 413 before any route sees them."""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.problems import problem_response

# The answer to a body over the limit, from the request's scope and what was wrong.
TooLarge = Callable[[Scope, str], Response]


def problem(scope: Scope, detail: str) -> Response:
    """The API's answer: a problem document."""
    return problem_response(413, "too-large", "Request body too large", detail)


class BodyLimit:
    """Pure ASGI middleware: reads the body (at most `limit` bytes), then hands it on."""

    def __init__(self, app: ASGIApp, limit: int, answer: TooLarge = problem) -> None:
        self.app = app
        self.limit = limit
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(int(declared), scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay([message], receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._too_large(size, scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        whole: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([whole], receive), send)

    async def _too_large(self, size: int, scope: Scope, receive: Receive, send: Send) -> None:
        at_least = "" if size > self.limit + 1 else "at least "
        detail = f"the body is {at_least}{size} bytes; at most {self.limit} are accepted"
        await self.answer(scope, detail)(scope, receive, send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
