"""The parts of a webhook delivery that need no store or receiver: the robots' Chinese
names agree with the console's catalogue, a request is aimed at the address that was
checked, error texts never carry a robot's key or a secret, the retry ceilings, and the
public address setting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.config.settings import Settings, SettingsError
from api.console.i18n import translations
from api.webhooks.attempts import meaning, pinned, scrubbed
from api.webhooks.endpoints import Endpoint
from api.webhooks.formats import Message
from api.webhooks.labels import HEADLINES, KINDS, MILESTONES
from api.webhooks.retries import ceiling
from projections.notices.kinds import NOTICE_TYPES
from projections.policy import load_policy
from workflow.vocabulary import Kind


def an_endpoint(url: str, fmt: str = "json") -> Endpoint:
    return Endpoint(
        id="ep_1", url=url, format=fmt, events=NOTICE_TYPES, communities=(),
        secret="whsec_c2VjcmV0", robot_secret="SECrobot", allow_private=False,
        created_at=datetime(2026, 1, 1, tzinfo=UTC), created_by="admin", disabled_at=None,
        disabled_reason=None,
    )  # fmt: skip


def test_the_robots_name_milestones_and_kinds_as_the_console_does_in_chinese() -> None:
    chinese = translations("zh_CN")
    for milestone in load_policy().milestones:
        assert MILESTONES[milestone.name] == chinese.pgettext("milestone", milestone.name)
    for kind in Kind:
        assert KINDS[str(kind)] == chinese.pgettext("kind", str(kind))
    assert set(NOTICE_TYPES) <= set(HEADLINES)


def test_a_request_goes_to_the_checked_address_and_still_names_its_host() -> None:
    url, headers, extensions = pinned("https://hooks.example.com:8443/in?x=1", ["93.184.216.34"])
    assert url == "https://93.184.216.34:8443/in?x=1"
    assert headers == {"host": "hooks.example.com:8443"}
    assert extensions == {"sni_hostname": "hooks.example.com"}
    url, _, _ = pinned("http://hooks.example.com/in", ["2606:2800:220:1::1"])
    assert url == "http://[2606:2800:220:1::1]/in"
    assert pinned("http://93.184.216.34/in", ["93.184.216.34"]) == (
        "http://93.184.216.34/in",
        {},
        {},
    )


def test_an_error_text_holds_no_robot_key_or_secret_and_is_short() -> None:
    target = an_endpoint("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=ROBOTKEY", "wecom")
    request = Message(target.url, b"{}")
    text = scrubbed(f"failed for {target.url} key=ROBOTKEY secret SECrobot " + "x" * 500,
                    target, request)  # fmt: skip
    assert "ROBOTKEY" not in text
    assert "SECrobot" not in text
    assert "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…" in text
    assert len(text) <= 200


@pytest.mark.parametrize(
    ("status", "body", "fmt", "outcome"),
    [
        (204, b"", "json", "delivered"),
        (200, b'{"errcode":0,"errmsg":"ok"}', "wecom", "delivered"),
        (200, b'{"errcode":93000,"errmsg":"invalid webhook url"}', "wecom", "retry"),
        (200, b'{"errcode":310000}', "dingtalk", "retry"),
        (302, b"", "json", "retry"),
        (500, b"", "json", "retry"),
        (410, b"", "wecom", "gone"),
    ],
)
def test_what_an_answer_means(status: int, body: bytes, fmt: str, outcome: str) -> None:
    assert meaning(an_endpoint("https://example.com/in", fmt), status, body).outcome == outcome


def test_the_retry_ceiling_doubles_from_five_seconds_up_to_an_hour() -> None:
    assert [ceiling(n) for n in (1, 2, 3, 4, 10, 11, 500)] == [5, 10, 20, 40, 2560, 3600, 3600]


def test_the_public_address_is_an_http_address_kept_without_its_last_slash() -> None:
    assert Settings.load({"PROPDESK_PUBLIC_URL": "https://wuye.example.com/"}).public_url == (
        "https://wuye.example.com"
    )
    assert Settings.load({}).public_url is None
    for wrong in ("wuye.example.com", "ftp://wuye.example.com", "https://wuye.example.com/?a=1"):
        with pytest.raises(SettingsError, match="PROPDESK_PUBLIC_URL"):
            Settings.load({"PROPDESK_PUBLIC_URL": wrong})
