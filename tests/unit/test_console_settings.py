"""The console's two settings: how long an idle session lives, and Secure cookies behind a
proxy that ends TLS."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.config.server import ServerConfig
from api.config.settings import SettingsError


def test_sessions_live_eight_idle_hours_unless_configured() -> None:
    assert ServerConfig.load({}).console_idle == timedelta(hours=8)
    chosen = ServerConfig.load({"PROPDESK_CONSOLE_IDLE_HOURS": "0.5"})
    assert chosen.console_idle == timedelta(minutes=30)


@pytest.mark.parametrize("value", ["0", "-1", "169", "eight", "nan"])
def test_an_idle_time_outside_its_range_is_refused_naming_the_variable(value: str) -> None:
    with pytest.raises(SettingsError, match="PROPDESK_CONSOLE_IDLE_HOURS"):
        ServerConfig.load({"PROPDESK_CONSOLE_IDLE_HOURS": value})


def test_secure_cookies_are_off_unless_switched_on() -> None:
    assert ServerConfig.load({}).console_secure_cookie is False
    assert ServerConfig.load({"PROPDESK_CONSOLE_SECURE_COOKIE": "on"}).console_secure_cookie
    with pytest.raises(SettingsError, match="PROPDESK_CONSOLE_SECURE_COOKIE"):
        ServerConfig.load({"PROPDESK_CONSOLE_SECURE_COOKIE": "sometimes"})
