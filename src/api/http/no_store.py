"""`Cache-Control: no-store` on every answer but the documentation's.

Case answers carry personal data and token answers carry tokens; rather than judge each
answer, every one is marked, errors included (a 422 may repeat what was sent), so that no
new route can miss it. Only the documentation (its pages, /openapi.json, their assets),
which is the same for everyone, may be kept by a cache.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NO_STORE = (b"cache-control", b"no-store")


class NoStore:
    """Pure ASGI middleware: adds the header to the start of each answer."""

    def __init__(self, app: ASGIApp, public: tuple[str, ...]) -> None:
        self.app = app
        self.public = public  # path prefixes of the documentation

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.public):
            await self.app(scope, receive, send)
            return

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), NO_STORE]
            await send(message)

        await self.app(scope, receive, marked)
