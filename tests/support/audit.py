"""The audit tree of a test server: signed up to the log's head."""

from __future__ import annotations

import time

from api.http.runtime import Runtime
from support.api_client import Api


def signed_through(api: Api, size: int) -> None:
    """The follower thread signs as it goes (its interval is 60 s): wait for the first
    checkpoint, then sign the rest now, as `propdesk audit checkpoint --new` would."""
    runtime: Runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    assert runtime.follower is not None
    tree = runtime.follower.follower.companions[0]
    for _ in range(200):
        if tree.store.latest_checkpoint() is not None:  # type: ignore[attr-defined]
            break
        time.sleep(0.05)
    tree.follow()
    tree.checkpoint_if_due(force=True)  # type: ignore[attr-defined]
    latest = tree.store.latest_checkpoint()  # type: ignore[attr-defined]
    assert latest is not None
    assert latest.size >= size
