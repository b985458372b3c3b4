"""uvicorn's server, telling the runtime as soon as it is told to stop.

On a signal uvicorn stops accepting connections, then waits for every open answer to end
before it runs the application's shutdown. The console's live streams never end of their
own accord, so they watch the runtime's `stopping` event, which this server sets first.
"""

from __future__ import annotations

import threading
from types import FrameType

import uvicorn


class StoppingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, stopping: threading.Event) -> None:
        super().__init__(config)
        self.stopping = stopping

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.stopping.set()
        super().handle_exit(sig, frame)
