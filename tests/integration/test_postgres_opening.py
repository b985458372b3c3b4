"""Opening the PostgreSQL stores waits longer for the first connection than a request
waits for one: a server starting on a loaded machine opens, and an outage still answers
503 quickly. A relay in front of the real server delays every new connection, as a busy
machine does."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from eventsourcing.persistence import OperationalError
from psycopg.conninfo import make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

from api.config.settings import Settings
from api.storage.recorders import PostgresCaseRecorder
from api.wiring import open_read_models, open_service
from projections.pool_opening import open_pool
from projections.store import PostgresReadModelStore
from support.backends import fresh_postgres

DELAY = 1.5  # longer than a request's wait for a connection (1 s)


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with closing(source), closing(target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)


@contextmanager
def slow_relay(host: str, port: int, delay: float) -> Iterator[int]:
    """A local port that forwards to host:port, `delay` seconds after each connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def relay(client: socket.socket) -> None:
        time.sleep(delay)
        try:
            server = socket.create_connection((host, port))
        except OSError:
            client.close()
            return
        threading.Thread(target=_pipe, args=(client, server), daemon=True).start()
        threading.Thread(target=_pipe, args=(server, client), daemon=True).start()

    def accept() -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=relay, args=(client,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        listener.close()


@contextmanager
def slow_database(delay: float) -> Iterator[str]:
    """A fresh database, reached through a relay that delays each new connection."""
    with fresh_postgres() as url:
        parts = urlsplit(url)
        with slow_relay(parts.hostname or "", parts.port or 5432, delay) as port:
            netloc = f"{parts.username}:{parts.password}@127.0.0.1:{port}"
            yield urlunsplit(parts._replace(netloc=netloc))


def _pool(url: str, timeout: float) -> ConnectionPool[Any]:
    return ConnectionPool(make_conninfo(url), min_size=1, open=False, timeout=timeout)


def test_a_pool_that_waits_one_second_cannot_open_through_a_slow_connection() -> None:
    # The control: what the stores did before they waited longer at opening.
    with slow_database(DELAY) as url, closing(_pool(url, timeout=1.0)) as pool:
        pool.open()
        with pytest.raises(PoolTimeout), pool.connection():
            pass


def test_the_stores_open_through_a_slow_connection_and_keep_the_short_wait_for_requests() -> None:
    with slow_database(DELAY) as url:
        settings = Settings.load({}, db=url)
        service = open_service(settings)
        try:
            store = open_read_models(settings)
            assert service.recorder.max_notification_id() in (None, 0)
            assert store.position() == 0
            request_wait = float(settings.eventsourcing_env()["POSTGRES_CONNECT_TIMEOUT"])
            assert request_wait < DELAY
            assert isinstance(service.recorder, PostgresCaseRecorder)
            assert isinstance(store, PostgresReadModelStore)
            for pool in (service.recorder.datastore.pool, store.datastore.pool):
                assert pool.timeout == request_wait
            store.datastore.close()
        finally:
            service.close()


def test_a_store_that_gives_no_connection_fails_at_opening_and_stops_reconnecting() -> None:
    with socket.create_server(("127.0.0.1", 0)) as unused:
        port = unused.getsockname()[1]
    url = f"postgresql://nobody:secret@127.0.0.1:{port}/nothing"
    pool = _pool(url, timeout=1.0)
    started = time.monotonic()
    with pytest.raises(OperationalError, match=r"no connection within 0\.5 s of opening"):
        open_pool(pool, wait=0.5)
    assert time.monotonic() - started < 5
    assert pool.closed
