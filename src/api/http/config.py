"""The server's settings: the application's `Settings` plus what only the HTTP server needs.

Built once at start-up (in the lifespan), from the environment that `propdesk serve`
passes to every worker process.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from api.settings import Settings, SettingsError

BODY_LIMIT = 64 * 1024  # bytes: larger request bodies answer 413

FOLLOW_ENV = "PROPDESK_HTTP_FOLLOW"  # auto | on | off
READ_WAIT_ENV = "PROPDESK_HTTP_READ_WAIT"  # seconds a read waits for `min_position`
SERVER_PID_ENV = "PROPDESK_HTTP_SERVER_PID"  # set by `propdesk serve` for its workers
TELEMETRY_ENV = "PROPDESK_HTTP_TELEMETRY"  # off | on: FastAPI's OpenTelemetry instrumentation
HEAD_LIMIT_ENV = "PROPDESK_HTTP_HEAD_LIMIT"  # bytes of a request's line and headers
HEAD_TIMEOUT_ENV = "PROPDESK_HTTP_HEAD_TIMEOUT"  # seconds for a request's line and headers
BODY_TIMEOUT_ENV = "PROPDESK_HTTP_BODY_TIMEOUT"  # seconds for a request's body
METRICS_ENV = "PROPDESK_METRICS"  # off | on: GET /metrics (api/http/metrics.py)
METRICS_ADDRESS_ENV = "PROPDESK_METRICS_ADDRESS"  # host:port: /metrics there, without a token
METRICS_DIRECTORY_ENV = "PROMETHEUS_MULTIPROC_DIR"  # set by serve: prometheus-client's name


@dataclass(frozen=True)
class ConnectionLimits:
    """What the built-in server allows a connection (api/http/guarded_protocol.py)."""

    head_bytes: int = 32 * 1024
    head_seconds: float = 10.0  # from the connection's opening, or a later request's first byte
    body_seconds: float = 30.0  # from the end of the headers

    @classmethod
    def load(cls, environ: Mapping[str, str]) -> ConnectionLimits:
        return cls(
            head_bytes=int(
                _bounded(environ, HEAD_LIMIT_ENV, cls.head_bytes, 16_384, 65_536, "bytes")
            ),
            head_seconds=_bounded(environ, HEAD_TIMEOUT_ENV, cls.head_seconds, 0.1, 600, "seconds"),
            body_seconds=_bounded(environ, BODY_TIMEOUT_ENV, cls.body_seconds, 0.1, 600, "seconds"),
        )


@dataclass(frozen=True)
class ServerConfig:
    settings: Settings
    follow: bool  # run the read-model follower in this process
    read_wait: float = 5.0
    poll_seconds: float = 0.05
    server_pid: int | None = None  # the `propdesk serve` process, when it started this one
    telemetry: bool = False
    limits: ConnectionLimits = ConnectionLimits()
    metrics: bool = False
    metrics_address: tuple[str, int] | None = None  # then not on the API's own address

    @classmethod
    def load(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        db: str | None = None,
        follow: bool | None = None,
        read_wait: float | None = None,
    ) -> ServerConfig:
        """By default the follower runs in-process on SQLite and not on PostgreSQL, where
        `propdesk projections run` follows the log once for every server process."""
        source = os.environ if environ is None else environ
        settings = Settings.load(source, db=db)
        if follow is None:
            follow = _follow(source.get(FOLLOW_ENV, "auto"), settings)
        wait = read_wait if read_wait is not None else _seconds(source.get(READ_WAIT_ENV, "5"))
        server = source.get(SERVER_PID_ENV)
        return cls(
            settings=settings,
            follow=follow,
            read_wait=wait,
            server_pid=int(server) if server and server.isdigit() else None,
            telemetry=telemetry_setting(source),
            limits=ConnectionLimits.load(source),
            metrics=metrics_setting(source),
            metrics_address=metrics_address(source),
        )


def telemetry_setting(environ: Mapping[str, str]) -> bool:
    """Whether FastAPI's own OpenTelemetry spans, metrics and logs are on: off unless
    asked for. On, FastAPI asks OpenTelemetry on every request whether a provider is
    configured, which cost intake 2.5 % of its instructions with none configured."""
    return _on_off(environ, TELEMETRY_ENV)


def metrics_setting(environ: Mapping[str, str]) -> bool:
    return _on_off(environ, METRICS_ENV)


def _on_off(environ: Mapping[str, str], name: str) -> bool:
    """A switch that is off unless set on."""
    value = environ.get(name, "off")
    chosen = _switch(value) if value.strip() else False
    if chosen is None:
        raise SettingsError(f"{name}={value!r}; use on or off")
    return chosen


def metrics_address(environ: Mapping[str, str]) -> tuple[str, int] | None:
    """`host:port` (`[::1]:9464` for IPv6), only with the metrics on."""
    value = environ.get(METRICS_ADDRESS_ENV, "").strip()
    if not value:
        return None
    if not metrics_setting(environ):
        raise SettingsError(f"{METRICS_ADDRESS_ENV} is set but {METRICS_ENV} is not on")
    host, _, port = value.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise SettingsError(f"{METRICS_ADDRESS_ENV}={value!r}; use host:port, e.g. 127.0.0.1:9464")
    return host, int(port)


def _follow(value: str, settings: Settings) -> bool:
    if value.strip().lower() == "auto":
        return not settings.is_postgres
    chosen = _switch(value)
    if chosen is None:
        raise SettingsError(f"{FOLLOW_ENV}={value!r}; use auto, on or off")
    return chosen


def _switch(value: str) -> bool | None:
    """on/off (and 1/0, true/false, yes/no); None for anything else."""
    return {"on": True, "1": True, "true": True, "yes": True, "off": False, "0": False,
            "false": False, "no": False}.get(value.strip().lower())  # fmt: skip


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise SettingsError(f"{READ_WAIT_ENV}={value!r} is not a number of seconds") from None
    if not 0 <= seconds <= 60:
        raise SettingsError(f"{READ_WAIT_ENV}={value!r}; use 0 to 60 seconds")
    return seconds


def _bounded(
    environ: Mapping[str, str], name: str, default: float, low: float, high: float, unit: str
) -> float:
    """A number from `environ` within [low, high]; whole when the unit is bytes."""
    value = environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value) if unit == "bytes" else float(value)
    except ValueError:
        kind = "a whole number of bytes" if unit == "bytes" else "a number of seconds"
        raise SettingsError(f"{name}={value!r} is not {kind}") from None
    if not low <= number <= high:
        raise SettingsError(f"{name}={value!r}; use {low:g} to {high:g} {unit}")
    return number
