"""The HTTP API over real stores: the app's lifespan runs (TestClient as a context manager)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    # Starlette 1.x prefers the httpx2 package and says so once, on import.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.config import ServerConfig
from api.tokens import TokenStore, open_tokens

REPAIR = {
    "kind": "repair",
    "channel": "phone",
    "location": "3-2-1201",
    "category": "plumbing",
    "priority": "emergency",
    "description": "burst pipe in the kitchen",
}
COMPLAINT = {
    "kind": "complaint",
    "channel": "wechat",
    "location": "north gate",
    "category": "security",
    "description": "the barrier is stuck open at night",
}
RENOVATION = {
    "kind": "renovation",
    "channel": "walk_in",
    "location": "5-1-302",
    "category": "partial",
    "description": "kitchen and bathroom",
    "details": {"contractor": "安居装饰", "workers": "4"},
}
BODIES = {"repair": REPAIR, "complaint": COMPLAINT, "renovation": RENOVATION}


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


def documented_url(api: Api, path: str) -> str:
    """A path of the OpenAPI document, made callable: a new repair's id, a token's name."""
    if "{case_id}" in path:
        path = path.replace("{case_id}", api.create("repair")["id"])
    return path.replace("{name}", "late-desk")


def documented_token(api: Api, path: str) -> dict[str, str]:
    """A token the path's routes answer: admin for /tokens, supervisor for the rest."""
    return api.auth("root", "admin") if path.startswith("/tokens") else api.supervisor


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    """The app on a fresh SQLite file, following the log in-process."""
    with running(str(tmp_path / "propdesk.db")) as found:
        yield found


@pytest.fixture
def api_on(db: str) -> Iterator[Api]:
    """The app on each real backend (SQLite and PostgreSQL), following the log in-process."""
    with running(db, follow=True) as found:
        yield found
