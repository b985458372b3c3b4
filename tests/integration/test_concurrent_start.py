"""Several processes opening one PostgreSQL database at the same moment all start.

The workers of `serve --workers N`, or a server and `projections run`, create their tables
when they start; done at once, that used to fail one of them ("tuple concurrently updated").
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier

from api.config.settings import Settings
from api.storage.tokens import open_tokens
from api.wiring import open_read_models, open_service
from support.backends import fresh_postgres

PROCESSES, ROUNDS = 4, 6


def _open_everything(url: str, barrier: Barrier, failures: multiprocessing.Queue[str]) -> None:
    settings = Settings.load({}, db=url)
    barrier.wait(timeout=30)
    try:
        open_service(settings).close()
        open_read_models(settings).datastore.close()
        open_tokens(settings).close()
    except Exception as error:  # reported to the test, which fails with it
        failures.put(f"{type(error).__name__}: {error}")


def test_processes_opening_the_same_postgresql_database_at_once_all_start() -> None:
    context = multiprocessing.get_context("fork")
    with fresh_postgres() as url:
        open_service(Settings.load({}, db=url)).close()  # the tables exist, as after a restart
        failures: multiprocessing.Queue[str] = context.Queue()
        for _ in range(ROUNDS):
            barrier = context.Barrier(PROCESSES)
            processes = [
                context.Process(target=_open_everything, args=(url, barrier, failures))
                for _ in range(PROCESSES)
            ]
            for process in processes:
                process.start()
            for process in processes:
                process.join(timeout=60)
            assert all(p.exitcode == 0 for p in processes)
        found = []
        while not failures.empty():
            found.append(failures.get())
        assert found == []
