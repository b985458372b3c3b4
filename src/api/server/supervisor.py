"""`propdesk serve` once its checks pass: the process that starts the read-model follower
and the workers, watches over them and stops them.

`propdesk serve` checks every setting, the port and the database, then replaces itself
with this module in a fresh interpreter (same process id, same environment). The command
line has imported what all its commands need; none of it is needed to watch processes,
and each worker and the follower, spawned afresh, would import it again with the main
module. So this module imports almost nothing at its top, and the processes import what
they use themselves.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import ExitStack
from pathlib import Path

from api.server.candidates import Candidates
from api.server.deliverer import start_deliverer
from api.server.follower import FollowerFailed, start_follower, stop_follower
from api.server.start_failures import StartFailed
from api.server.workers import run_server, run_workers

INTERRUPTED = 130  # the shell's status for a command ended by Ctrl-C


def replace_this_process(
    host: str,
    port: int,
    workers: int,
    log_level: str,
    *,
    follow: bool,
    metrics: bool,
    deliver: bool = False,
    stand: tuple[str, ...] = (),
) -> None:
    """Becomes the supervisor; never returns. `follow`: the SQLite follower process, caught
    up before the workers start; `stand`: the roles a candidate process stands for
    (PostgreSQL), beside the workers."""
    argv = [sys.executable, "-P", "-m", __name__, "--host", host, "--port", str(port)]
    argv += ["--workers", str(workers), "--log-level", log_level]
    argv += ["--follow"] * follow + ["--metrics"] * metrics + ["--deliver"] * deliver
    for role in stand:
        argv += ["--stand", role]
    # The interpreter finds this package where this process found it, installed or not.
    source = str(Path(__file__).resolve().parents[2])
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [source, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    )
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, argv)


def supervise(
    host: str,
    port: int,
    workers: int,
    log_level: str,
    *,
    follow: bool,
    metrics: bool,
    deliver: bool = False,
    stand: tuple[str, ...] = (),
) -> int:
    """Serves until SIGINT or SIGTERM; returns the exit status."""
    with ExitStack() as serving:
        try:
            if metrics:
                from api.config.server import ServerConfig
                from api.http.metrics_server import metrics_for_serve

                serving.enter_context(metrics_for_serve(ServerConfig.load()))
            # Webhooks: delivered from the follower's process once it has caught up (so has
            # the outbox); from a process of their own when this server does not follow.
            follower = start_follower(deliver=deliver) if follow else None
            deliverer = start_deliverer() if deliver and not follow else None
        except (StartFailed, FollowerFailed) as error:
            _say_error(str(error))
            return 2
        candidates = Candidates(stand) if stand else None
        try:
            if workers == 1:
                status = 2 if run_server(host, port, log_level) else 0
            else:
                status = run_workers(host, port, workers, log_level)
        finally:
            if deliverer is not None:
                stop_follower(deliverer)  # stopped as the follower is
            if follower is not None:
                stop_follower(follower)
            if candidates is not None:
                candidates.stop()
    if candidates is not None and candidates.refused:
        _say_error("the server stopped: a role's job cannot run; its error is above")
        return 2
    if status:
        _say_error("the server could not start; its error is above")
    return status


def _say_error(message: str) -> None:
    # as the command line says it, without loading its console for two lines
    print(f"error: {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="propdesk serve (supervisor)")
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--log-level", required=True)
    parser.add_argument("--follow", action="store_true")
    parser.add_argument("--metrics", action="store_true")
    parser.add_argument("--deliver", action="store_true")
    parser.add_argument("--stand", action="append", default=[], metavar="ROLE")
    args = parser.parse_args()
    try:
        status = supervise(
            args.host,
            args.port,
            args.workers,
            args.log_level,
            follow=args.follow,
            metrics=args.metrics,
            deliver=args.deliver,
            stand=tuple(args.stand),
        )
    except KeyboardInterrupt:  # Ctrl-C before the workers took the signals over
        _say_error("stopped before the server started")
        status = INTERRUPTED
    raise SystemExit(status)


if __name__ == "__main__":
    main()
