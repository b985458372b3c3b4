"""The HTTP API over a real store, in-process: the app's lifespan runs (TestClient as a
context manager), with a token store to issue the callers' tokens."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

with warnings.catch_warnings():
    # Starlette 1.x prefers the httpx2 package and says so once, on import.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from api.config.server import ServerConfig
from api.http.app import create_app
from api.storage.tokens import TokenStore, open_tokens
from support.request_bodies import BODIES

__all__ = ["Api", "TestClient", "running"]


@dataclass
class Api:
    """A client of the running app, and the token store to issue tokens with."""

    client: TestClient
    config: ServerConfig
    tokens: TokenStore
    issued: dict[str, str] = field(default_factory=dict)

    def auth(self, name: str, role: str) -> dict[str, str]:
        if name not in self.issued:
            self.issued[name] = self.tokens.issue(name, role)
        return {"Authorization": f"Bearer {self.issued[name]}"}

    @property
    def agent(self) -> dict[str, str]:
        return self.auth("desk-zhang", "agent")

    @property
    def supervisor(self) -> dict[str, str]:
        return self.auth("boss-liu", "supervisor")

    @property
    def analyst(self) -> dict[str, str]:
        return self.auth("ana-chen", "analyst")

    def create(self, kind: str = "repair", **overrides: Any) -> dict[str, Any]:
        """A new case recorded by the agent; returns its body."""
        response = self.client.post(
            "/requests", json={**BODIES[kind], **overrides}, headers=self.agent
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def act(
        self, case_id: str, command: str, body: dict[str, Any] | None = None, **headers: str
    ) -> Any:
        return self.client.post(
            f"/requests/{case_id}/{command}", json=body, headers={**self.agent, **headers}
        )

    def head(self) -> int:
        """The log position of the last event: what a rejected request must leave alone."""
        position: int = self.client.get("/health").json()["log_position"]
        return position


@contextmanager
def running(
    db: str, poll_seconds: float | None = None, *, metrics: bool = False, **options: Any
) -> Iterator[Api]:
    """The app on `db`, started and stopped like a server process."""
    config = replace(ServerConfig.load({}, db=db, **options), metrics=metrics)
    if poll_seconds is not None:
        config = replace(config, poll_seconds=poll_seconds)
    tokens = open_tokens(config.settings)
    try:
        with TestClient(create_app(config)) as client:
            yield Api(client, config, tokens)
    finally:
        tokens.close()
