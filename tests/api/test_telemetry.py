"""FastAPI's own OpenTelemetry instrumentation: off unless PROPDESK_HTTP_TELEMETRY turns it on."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from opentelemetry import trace

from api.config.server import ServerConfig
from api.config.settings import SettingsError
from api.http.app import create_app
from support.api_client import TestClient


def opentelemetry_asked(app_config: ServerConfig | None, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether answering one request asked OpenTelemetry for its tracer provider."""
    calls: list[None] = []
    real = trace.get_tracer_provider

    def counted() -> trace.TracerProvider:
        calls.append(None)
        return real()

    with TestClient(create_app(app_config)) as client:
        monkeypatch.setattr(trace, "get_tracer_provider", counted)
        assert client.get("/health").status_code == 200
    return bool(calls)


@pytest.mark.parametrize("on", [False, True])
def test_opentelemetry_is_asked_about_requests_only_when_telemetry_is_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on: bool
) -> None:
    config = replace(ServerConfig.load({}, db=str(tmp_path / "propdesk.db")), telemetry=on)
    assert opentelemetry_asked(config, monkeypatch) is on


@pytest.mark.parametrize(("setting", "on"), [(None, False), ("off", False), ("on", True)])
def test_a_server_process_takes_the_telemetry_setting_from_its_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str | None, on: bool
) -> None:
    monkeypatch.setenv("PROPDESK_DB", str(tmp_path / "propdesk.db"))
    if setting is None:
        monkeypatch.delenv("PROPDESK_HTTP_TELEMETRY", raising=False)
    else:
        monkeypatch.setenv("PROPDESK_HTTP_TELEMETRY", setting)
    assert opentelemetry_asked(None, monkeypatch) is on


def test_a_telemetry_setting_other_than_on_or_off_is_refused(tmp_path: Path) -> None:
    environ = {"PROPDESK_HTTP_TELEMETRY": "maybe"}
    with pytest.raises(SettingsError, match="PROPDESK_HTTP_TELEMETRY='maybe'; use on or off"):
        ServerConfig.load(environ, db=str(tmp_path / "propdesk.db"))
