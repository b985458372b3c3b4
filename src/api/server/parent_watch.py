"""Processes that `propdesk serve` starts end when it is gone, even after a SIGKILL.

A child whose parent dies is re-parented, so a change of parent pid means the server
is gone. Without this, uvicorn's workers would go on serving the port on their own.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable


def end_with_parent(parent: int, end: Callable[[], None], every: float = 1.0) -> None:
    """Calls `end` (once) as soon as this process's parent is no longer `parent`."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        end()

    threading.Thread(target=watch, name="propdesk-parent-watch", daemon=True).start()
