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
import sys
import threading
import time
from multiprocessing.connection import wait
from multiprocessing.context import SpawnProcess

from api.server.parent_watch import end_with_parent
from api.server.start_failures import START_FAILED, StartFailed

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


def run_workers(host: str, port: int, count: int, log_level: str) -> int:
    """Runs `count` workers until SIGINT or SIGTERM, then stops them; returns 0. A worker
    that could not start (it said why) stops them all at once, and so do workers that keep
    dying soon after their start: then the status is 2."""
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    def start() -> tuple[SpawnProcess, float]:
        worker = context.Process(target=_serve, args=(host, port, log_level), daemon=False)
        worker.start()
        return worker, time.monotonic()

    workers = [start() for _ in range(count)]
    quick_deaths, status = 0, 0
    try:
        while not stop.is_set():
            wait([w.sentinel for w, _ in workers], timeout=0.5)
            for i, (worker, started) in enumerate(workers):
                if worker.is_alive() or stop.is_set():
                    continue
                if worker.exitcode == START_FAILED:  # it said why on stderr
                    status = 2
                    stop.set()
                    break
                if time.monotonic() - started < QUICK_DEATH:
                    quick_deaths += 1
                    if quick_deaths >= QUICK_DEATHS_ALLOWED:
                        log.error("workers keep failing at start; stopping the server")
                        status = 2
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
    return status


def run_server(host: str, port: int, log_level: str, listener: socket.socket | None = None) -> int:
    """One server process: opens its runtime, then serves until stopped. Returns 0, or
    START_FAILED when it could not start (having said why in one line on stderr)."""
    try:
        # Here, not in the supervisor, which never loads the app.
        import uvicorn

        from api.config.server import ServerConfig
        from api.http.app import create_app
        from api.http.guarded_protocol import GuardedProtocol
        from api.http.startup import open_runtime
        from api.server.stopping import StoppingServer
    except ImportError as error:  # a broken installation
        print(f"error: cannot load the server: {error}", file=sys.stderr, flush=True)
        return START_FAILED
    config = ServerConfig.load()  # checked by `propdesk serve` before it started this
    try:
        runtime = open_runtime(config)
    except StartFailed as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        return START_FAILED
    if config.server_pid not in (None, os.getpid()):  # a worker of `propdesk serve`
        end_with_parent(config.server_pid, lambda: os.kill(os.getpid(), signal.SIGTERM))
    protocol = GuardedProtocol.with_limits(config.limits)
    app = create_app(config, runtime)
    server = StoppingServer(
        uvicorn.Config(app, host=host, port=port, log_level=log_level, http=protocol),
        runtime.stopping,
    )
    server.run(sockets=None if listener is None else [listener])
    return 0 if server.started else START_FAILED


def _serve(host: str, port: int, log_level: str) -> None:
    listener = socket.socket(_family(host), socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((host, port))
    raise SystemExit(run_server(host, port, log_level, listener))


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
