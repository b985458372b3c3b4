"""The server's settings: the application's `Settings` plus what only the HTTP server needs.

Built once at start-up (in the lifespan), from the environment that `propdesk serve`
passes to every worker process, read and checked by `ServerEnvironment`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from pydantic import ValidationInfo, field_validator
from pydantic_settings import NoDecode

from api.config.environment import variable_of
from api.config.settings import Environment, Settings, SettingsError

BODY_LIMIT = 64 * 1024  # bytes: larger request bodies answer 413
CONSOLE_IDLE_HOURS = 8.0

FOLLOW_ENV = "PROPDESK_HTTP_FOLLOW"  # auto | on | off
SERVER_PID_ENV = "PROPDESK_HTTP_SERVER_PID"  # set by `propdesk serve` for its workers
METRICS_ENV = "PROPDESK_METRICS"
METRICS_ADDRESS_ENV = "PROPDESK_METRICS_ADDRESS"
METRICS_DIRECTORY_ENV = "PROMETHEUS_MULTIPROC_DIR"  # set by serve: prometheus-client's name


@dataclass(frozen=True)
class ConnectionLimits:
    """What the built-in server allows a connection (api/http/guarded_protocol.py)."""

    head_bytes: int = 32 * 1024
    head_seconds: float = 10.0  # from the connection's opening, or a later request's first byte
    body_seconds: float = 30.0  # from the end of the headers


_LIMITS = ConnectionLimits()


class ServerEnvironment(Environment):
    """The application's variables and, checked after them, the HTTP server's own. Read by
    server processes only: a command that serves nothing is not refused over a variable
    only a server reads."""

    http_follow: bool | None = None  # None: auto, on SQLite only
    http_read_wait: float = 5.0  # seconds a read waits for `min_position`
    http_server_pid: int | None = None  # the `propdesk serve` that started this process
    # FastAPI's OpenTelemetry spans, metrics and logs: off unless asked for, since on, FastAPI
    # asks OpenTelemetry on every request whether a provider is configured.
    http_telemetry: bool = False
    http_head_limit: int = _LIMITS.head_bytes  # bytes of a request's line and headers
    http_head_timeout: float = _LIMITS.head_seconds  # seconds for a request's line and headers
    http_body_timeout: float = _LIMITS.body_seconds  # seconds for a request's body
    metrics: bool = False  # GET /metrics (api/http/metrics.py)
    # host:port: /metrics there, without a token. Read as written, not as JSON.
    metrics_address: Annotated[tuple[str, int] | None, NoDecode] = None
    # The console's sessions end after this many hours without a request.
    console_idle_hours: float = CONSOLE_IDLE_HOURS
    # Session cookies marked Secure even when the request came over plain HTTP: for a
    # server behind a proxy that ends TLS (they are marked on HTTPS requests anyway).
    console_secure_cookie: bool = False

    @field_validator("http_follow", mode="plain")
    @classmethod
    def _follow(cls, value: str | bool | None) -> bool | None:
        if not isinstance(value, str):
            return value
        if value.strip().lower() == "auto":
            return None
        chosen = _switch(value)
        if chosen is None:
            raise SettingsError(f"{FOLLOW_ENV}={value!r}; use auto, on or off")
        return chosen

    @field_validator("http_read_wait", mode="plain")
    @classmethod
    def _read_wait(cls, value: str | float, info: ValidationInfo) -> float:
        if not isinstance(value, str):
            return value
        try:
            seconds = float(value)
        except ValueError:
            raise SettingsError(
                f"{variable_of(info)}={value!r} is not a number of seconds"
            ) from None
        if not 0 <= seconds <= 60:
            raise SettingsError(f"{variable_of(info)}={value!r}; use 0 to 60 seconds")
        return seconds

    @field_validator("http_server_pid", mode="plain")
    @classmethod
    def _server_pid(cls, value: str | int | None) -> int | None:
        if not isinstance(value, str):
            return value
        return int(value) if value.isdigit() else None

    @field_validator("console_idle_hours", mode="plain")
    @classmethod
    def _idle_hours(cls, value: str | float, info: ValidationInfo) -> float:
        if not isinstance(value, str):
            return value
        return _bounded(value, info, CONSOLE_IDLE_HOURS, 0.05, 168, "hours")

    @field_validator("http_telemetry", "metrics", "console_secure_cookie", mode="plain")
    @classmethod
    def _on_off(cls, value: str | bool, info: ValidationInfo) -> bool:
        """A switch that is off unless set on."""
        if not isinstance(value, str):
            return value
        chosen = _switch(value) if value.strip() else False
        if chosen is None:
            raise SettingsError(f"{variable_of(info)}={value!r}; use on or off")
        return chosen

    @field_validator("http_head_limit", "http_head_timeout", "http_body_timeout", mode="plain")
    @classmethod
    def _connection_limit(cls, value: str | float, info: ValidationInfo) -> float:
        if not isinstance(value, str):
            return value
        if info.field_name == "http_head_limit":
            return int(_bounded(value, info, _LIMITS.head_bytes, 16_384, 65_536, "bytes"))
        default = (
            _LIMITS.head_seconds if info.field_name == "http_head_timeout" else _LIMITS.body_seconds
        )
        return _bounded(value, info, default, 0.1, 600, "seconds")

    @field_validator("metrics_address", mode="plain")
    @classmethod
    def _metrics_address(
        cls, value: str | tuple[str, int] | None, info: ValidationInfo
    ) -> tuple[str, int] | None:
        """`host:port` (`[::1]:9464` for IPv6), only with the metrics on."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return None
        if not info.data.get("metrics"):
            raise SettingsError(f"{METRICS_ADDRESS_ENV} is set but {METRICS_ENV} is not on")
        host, _, port = text.rpartition(":")
        host = host.removeprefix("[").removesuffix("]")
        if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
            raise SettingsError(
                f"{METRICS_ADDRESS_ENV}={text!r}; use host:port, e.g. 127.0.0.1:9464"
            )
        return host, int(port)

    @property
    def telemetry(self) -> bool:
        return self.http_telemetry

    @property
    def limits(self) -> ConnectionLimits:
        return ConnectionLimits(
            self.http_head_limit, self.http_head_timeout, self.http_body_timeout
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
    console_idle: timedelta = timedelta(hours=CONSOLE_IDLE_HOURS)
    console_secure_cookie: bool = False

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
        one process elected among `propdesk serve`'s candidates (or `propdesk projections
        run`) follows the log for every server process."""
        flags: dict[str, Any] = {"db": db, "http_follow": follow, "http_read_wait": read_wait}
        found = ServerEnvironment.read(environ, **flags)
        settings = found.settings()
        return cls(
            settings=settings,
            follow=not settings.is_postgres if found.http_follow is None else found.http_follow,
            read_wait=found.http_read_wait,
            server_pid=found.http_server_pid,
            telemetry=found.telemetry,
            limits=found.limits,
            metrics=found.metrics,
            metrics_address=found.metrics_address,
            console_idle=timedelta(hours=found.console_idle_hours),
            console_secure_cookie=found.console_secure_cookie,
        )


def _switch(value: str) -> bool | None:
    """on/off (and 1/0, true/false, yes/no); None for anything else."""
    return {"on": True, "1": True, "true": True, "yes": True, "off": False, "0": False,
            "false": False, "no": False}.get(value.strip().lower())  # fmt: skip


def _bounded(
    value: str | None, info: ValidationInfo, default: float, low: float, high: float, unit: str
) -> float:
    """The variable's number within [low, high]; whole when the unit is bytes."""
    text = (value or "").strip()
    if not text:
        return default
    name = variable_of(info)
    try:
        number = int(text) if unit == "bytes" else float(text)
    except ValueError:
        kind = "a whole number of bytes" if unit == "bytes" else f"a number of {unit}"
        raise SettingsError(f"{name}={text!r} is not {kind}") from None
    if not low <= number <= high:
        raise SettingsError(f"{name}={text!r}; use {low:g} to {high:g} {unit}")
    return number
