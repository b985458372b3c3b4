"""The audit tree of a test server: signed up to the log's head."""

from __future__ import annotations

import time

from api.http.runtime import Runtime
from api.wiring import open_audit_tree
from support.api_client import Api


def signed_through(api: Api, size: int) -> None:
    """Sign a checkpoint of at least `size` events now, as `propdesk audit checkpoint --new`
    would from another process while the server's follower keeps the tree too."""
    runtime: Runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    tree = open_audit_tree(runtime.config.settings, runtime.service)
    try:
        for _ in range(200):
            tree.follow()  # a page the server's follower wrote first is simply skipped
            tree.forget()
            tree.checkpoint_if_due(force=True)
            latest = tree.store.latest_checkpoint()
            if latest is not None and latest.size >= size:
                return
            time.sleep(0.05)
        raise AssertionError(f"no checkpoint of {size} events was signed")
    finally:
        tree.store.datastore.close()  # type: ignore[attr-defined]
