"""Opening a PostgreSQL store: the first connection may wait longer than a request.

A request waits at most POSTGRES_CONNECT_TIMEOUT for a pooled connection, so that with
PostgreSQL away it answers 503 within seconds. Opening a store is different: a server
starting on a busy machine may need longer than that for its very first connection, and
failing then would stop the server instead of answering one request late. So the
recorders open their pool and wait for one connection with a longer limit of their own,
before eventsourcing's constructor makes its first call (and the side tables' pool before
its first query); the pool keeps the short wait for everything after.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import OperationalError
from psycopg_pool import ConnectionPool, PoolTimeout

OPENING_WAIT_SECONDS = 10.0


def open_pool(pool: ConnectionPool[Any], wait: float = OPENING_WAIT_SECONDS) -> None:
    """Open the pool and wait up to `wait` seconds for its first connection.

    Raises eventsourcing's OperationalError (what a failed call raises) when none comes,
    after closing the pool, so that no background worker goes on reconnecting for a
    store that was never opened."""
    pool.open()
    try:
        with pool.connection(timeout=wait):
            pass
    except PoolTimeout as error:
        pool.close()
        raise OperationalError(
            f"PostgreSQL gave no connection within {wait:g} s of opening ({error})"
        ) from error
