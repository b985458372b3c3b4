"""`propdesk serve`'s worker processes, each listening on a socket of its own on one port.

uvicorn's own workers share one listening socket, and a worker that wakes accepts every
connection waiting. Under 16 keep-alive connections opened at once, one worker often
took 11 to 14 of them and bounded the throughput while the other idled. Here each
worker listens on its own socket with SO_REUSEPORT, and the kernel spreads the new
connections over them. A worker that dies is replaced; one that dies within seconds of
starting, three times, stops the server.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from multiprocessing.connection import wait
from multiprocessing.context import SpawnProcess
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import uvicorn

APP = "api.http.app:create_app"
QUICK_DEATH = 5.0  # seconds: a worker that dies sooner failed to start
QUICK_DEATHS_ALLOWED = 3

log = logging.getLogger("uvicorn.error")


class PortInUse(RuntimeError):
    """Another process listens on the address."""


def check_port(host: str, port: int) -> None:
    """Fails unless the address is free. The workers share the port with each other, so
    this is the one check that no other server listens there already."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is fine
        try:
            probe.bind((host, port))
        except OSError as error:
            raise PortInUse(f"cannot listen on {host}:{port}: {error.strerror}") from None


def run_workers(host: str, port: int, count: int, log_level: str) -> None:
    """Runs `count` workers until SIGINT or SIGTERM, then stops them."""
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    def start() -> tuple[SpawnProcess, float]:
        worker = context.Process(target=_serve, args=(host, port, log_level), daemon=False)
        worker.start()
        return worker, time.monotonic()

    workers = [start() for _ in range(count)]
    quick_deaths = 0
    try:
        while not stop.is_set():
            wait([w.sentinel for w, _ in workers], timeout=0.5)
            for i, (worker, started) in enumerate(workers):
                if worker.is_alive() or stop.is_set():
                    continue
                if time.monotonic() - started < QUICK_DEATH:
                    quick_deaths += 1
                    if quick_deaths >= QUICK_DEATHS_ALLOWED:
                        log.error("workers keep failing at start; stopping the server")
                        stop.set()
                        break
                log.warning(
                    "worker %s exited with %s; starting another", worker.pid, worker.exitcode
                )
                workers[i] = start()
    finally:
        for worker, _ in workers:
            if worker.is_alive():
                worker.terminate()
        for worker, _ in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
                worker.join()


def server_config(host: str, port: int, log_level: str) -> uvicorn.Config:
    """uvicorn's configuration for a server process, with the connection limits from its
    environment (checked by `propdesk serve` before it starts any)."""
    import uvicorn  # in the worker: the supervisor never loads the app

    from api.http.config import ConnectionLimits
    from api.http.guarded_protocol import GuardedProtocol

    protocol = GuardedProtocol.with_limits(ConnectionLimits.load(os.environ))
    return uvicorn.Config(
        APP, factory=True, host=host, port=port, log_level=log_level, http=protocol
    )


def _serve(host: str, port: int, log_level: str) -> None:
    import uvicorn

    listener = socket.socket(_family(host), socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((host, port))
    uvicorn.Server(server_config(host, port, log_level)).run(sockets=[listener])


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
