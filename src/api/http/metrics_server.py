"""`propdesk serve`'s part in the metrics: the private directory where its processes
write their counts, and the separate metrics address, when one is set.

The directory is made afresh for each run (empty, mode 0700, under TMPDIR) and removed
at the end: counts from an earlier run never add to this one's. Its name reaches the
workers in prometheus-client's own variable, which must be set before prometheus-client
is first imported in a process; so nothing is imported from it here before that.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from wsgiref.simple_server import WSGIServer

from api.config.server import METRICS_ADDRESS_ENV, METRICS_DIRECTORY_ENV, ServerConfig
from api.http.runtime import Runtime
from api.http.startup import open_runtime
from api.server.start_failures import StartFailed


@contextmanager
def metrics_for_serve(config: ServerConfig) -> Iterator[None]:
    """While serving: the directory, and the metrics address served from this process
    (the event log's positions read through a runtime of its own, open until then)."""
    if not config.metrics:
        yield
        return
    directory = tempfile.mkdtemp(prefix="propdesk-metrics-")
    os.environ[METRICS_DIRECTORY_ENV] = directory
    with ExitStack() as serving:
        serving.callback(shutil.rmtree, directory, ignore_errors=True)
        serving.callback(os.environ.pop, METRICS_DIRECTORY_ENV, None)
        if config.metrics_address is not None:
            runtime = open_runtime(config)
            serving.callback(runtime.close)
            server = _serve_address(config.metrics_address, directory, runtime)
            serving.callback(server.server_close)
            serving.callback(server.shutdown)
        yield


def _serve_address(address: tuple[str, int], directory: str, runtime: Runtime) -> WSGIServer:
    from prometheus_client import CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    from api.http.log_positions import LogPositions

    registry = CollectorRegistry()
    MultiProcessCollector(registry, directory)  # type: ignore[no-untyped-call]
    registry.register(LogPositions(runtime.head, runtime.store.position))
    host, port = address
    try:
        server, _ = start_http_server(port, host, registry=registry)
    except OSError as error:
        raise StartFailed(
            f"cannot listen on {host}:{port} ({METRICS_ADDRESS_ENV}): {error.strerror}"
        ) from None
    return server
