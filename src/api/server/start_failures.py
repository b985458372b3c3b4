"""How a process of `propdesk serve` says that it cannot start.

Kept apart from what opens a runtime so that the supervisor, which imports almost
nothing, can tell a failed start from a crash.
"""

from __future__ import annotations

START_FAILED = 3  # a worker's exit status when it could not start (uvicorn's own too)


class StartFailed(RuntimeError):
    """The server process cannot start; the message says why, in one line."""
