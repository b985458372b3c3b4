"""The server's own settings: the connection limits (and the metrics), validated at start-up."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.config.server import ConnectionLimits, ServerConfig, ServerEnvironment
from api.config.settings import SettingsError


def test_the_connection_limits_default_to_32_kib_of_head_10_s_for_it_and_30_s_for_a_body() -> None:
    assert ServerEnvironment.read({}).limits == ConnectionLimits(32 * 1024, 10.0, 30.0)


def test_connection_limits_are_read_from_the_environment() -> None:
    limits = ServerEnvironment.read(
        {
            "PROPDESK_HTTP_HEAD_LIMIT": "16384",
            "PROPDESK_HTTP_HEAD_TIMEOUT": "2.5",
            "PROPDESK_HTTP_BODY_TIMEOUT": " 60 ",
        }
    ).limits
    assert limits == ConnectionLimits(16384, 2.5, 60.0)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PROPDESK_HTTP_HEAD_LIMIT", "32k", "='32k' is not a whole number of bytes"),
        ("PROPDESK_HTTP_HEAD_LIMIT", "1000000", "='1000000'; use 16384 to 65536 bytes"),
        ("PROPDESK_HTTP_HEAD_LIMIT", "8192", "='8192'; use 16384 to 65536 bytes"),
        ("PROPDESK_HTTP_HEAD_TIMEOUT", "0", "='0'; use 0.1 to 600 seconds"),
        ("PROPDESK_HTTP_HEAD_TIMEOUT", "nan", "='nan'; use 0.1 to 600 seconds"),
        ("PROPDESK_HTTP_BODY_TIMEOUT", "soon", "='soon' is not a number of seconds"),
        ("PROPDESK_HTTP_BODY_TIMEOUT", "3600", "='3600'; use 0.1 to 600 seconds"),
    ],
)
def test_a_connection_limit_out_of_its_range_is_refused_with_what_is_allowed(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=f"^{variable}{message}"):
        ServerEnvironment.read({variable: value})


def test_metrics_are_off_unless_set_on_and_their_address_is_a_host_and_port(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "propdesk.db")
    assert ServerConfig.load({}, db=db).metrics is False
    on = ServerConfig.load(
        {"PROPDESK_METRICS": "on", "PROPDESK_METRICS_ADDRESS": "[::1]:9464"}, db=db
    )
    assert (on.metrics, on.metrics_address) == (True, ("::1", 9464))


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"PROPDESK_METRICS": "sometimes"}, "PROPDESK_METRICS='sometimes'; use on or off"),
        (
            {"PROPDESK_METRICS_ADDRESS": "127.0.0.1:9464"},
            "PROPDESK_METRICS_ADDRESS is set but PROPDESK_METRICS is not on",
        ),
        (
            {"PROPDESK_METRICS": "on", "PROPDESK_METRICS_ADDRESS": "9464"},
            "PROPDESK_METRICS_ADDRESS='9464'; use host:port, e.g. 127.0.0.1:9464",
        ),
        (
            {"PROPDESK_METRICS": "on", "PROPDESK_METRICS_ADDRESS": "localhost:99999"},
            "PROPDESK_METRICS_ADDRESS='localhost:99999'; use host:port",
        ),
    ],
)
def test_a_metrics_setting_that_cannot_work_is_refused(
    tmp_path: Path, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        ServerConfig.load(environ, db=str(tmp_path / "propdesk.db"))
