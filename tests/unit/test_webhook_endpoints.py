"""What an endpoint may be (format, event types, communities, robot secret, URL), how its
URL is shown redacted, which notices it wants, and the form of its secret."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from api.webhooks.addresses import UnsafeAddress, WebhookError
from api.webhooks.endpoints import FORMATS, Endpoint, checked, new_secret, redacted_url
from projections.notices.kinds import NOTICE_TYPES


def public(host: str, port: int) -> Sequence[str]:
    """Every name is public; a literal address resolves to itself."""
    return [host] if host[0].isdigit() else ["93.184.216.34"]


URL = "https://hooks.example.com/notify"
GOOD: dict[str, Any] = {
    "url": URL,
    "events": ["milestone.breached"],
    "fmt": "json",
    "robot_secret": None,
    "allow_private": False,
    "communities": (),
    "known_communities": None,
}

# (what differs from GOOD, what the refusal says)
REFUSED = [
    ({"fmt": "slack"}, "unknown format 'slack'; allowed: json, wecom, dingtalk"),
    ({"events": []}, "name at least one event type: milestone.at_risk"),
    ({"events": ["case.received", "case.lost"]}, "unknown event type 'case.lost'; allowed:"),
    ({"robot_secret": "SEC123"}, "a robot secret is for the dingtalk format only"),
    ({"fmt": "dingtalk", "robot_secret": "  "}, "the robot secret is empty"),
    (
        {"communities": ["default", "north"], "known_communities": {"default", "east"}},
        "unknown community 'north'; known: default, east",
    ),
    ({"url": "ftp://hooks.example.com/"}, "only http and https are allowed"),
]

ACCEPTED = [
    {},
    {"events": list(NOTICE_TYPES)},
    {"fmt": "wecom"},
    {"fmt": "dingtalk", "robot_secret": "SEC123"},
    {"fmt": "dingtalk"},
    {"communities": ["east"], "known_communities": {"default", "east"}},
    {"communities": ["anything"]},  # no registry given: not checked here
]


def check(**differing: Any) -> None:
    given = {**GOOD, **differing}
    checked(
        given["url"],
        given["events"],
        given["fmt"],
        robot_secret=given["robot_secret"],
        allow_private=given["allow_private"],
        communities=given["communities"],
        known_communities=given["known_communities"],
        resolver=public,
    )


@pytest.mark.parametrize(("differing", "why"), REFUSED, ids=[w for _, w in REFUSED])
def test_an_endpoint_that_may_not_be_is_refused_saying_what_is_allowed(
    differing: dict[str, Any], why: str
) -> None:
    with pytest.raises(WebhookError, match=why.replace("(", r"\(")):
        check(**differing)


@pytest.mark.parametrize("differing", ACCEPTED, ids=str)
def test_an_endpoint_that_may_be_is_accepted(differing: dict[str, Any]) -> None:
    check(**differing)


def test_an_unsafe_url_is_refused_as_an_unsafe_address() -> None:
    with pytest.raises(UnsafeAddress):
        check(url="http://127.0.0.1/")
    check(url="http://127.0.0.1/", allow_private=True)


def test_the_formats_are_json_wecom_and_dingtalk() -> None:
    assert FORMATS == ("json", "wecom", "dingtalk")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.example.com/notify", "https://hooks.example.com/notify"),
        (
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx",
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…",
        ),
        (
            "https://oapi.dingtalk.com/robot/send?access_token=abc&x=1#frag",
            "https://oapi.dingtalk.com/robot/send?…",
        ),
        ("https://ops:hunter2@hooks.example.com:8443/n", "https://…@hooks.example.com:8443/n"),
        ("http://[2606:4700::1111]/h?k=1", "http://[2606:4700::1111]/h?…"),
    ],
)
def test_a_redacted_url_shows_neither_its_query_nor_a_password(url: str, shown: str) -> None:
    assert redacted_url(url) == shown
    assert replace(ENDPOINT, url=url).redacted_url() == shown


ENDPOINT = Endpoint(
    id="ep_0123456789abcdef",
    url=URL,
    format="json",
    events=("milestone.breached", "case.closed"),
    communities=("east",),
    secret=new_secret(),
    robot_secret=None,
    allow_private=False,
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
    created_by="it-chen",
    disabled_at=None,
    disabled_reason=None,
)


def test_an_endpoint_wants_its_event_types_in_its_communities_while_active() -> None:
    assert ENDPOINT.wants("milestone.breached", "east")
    assert not ENDPOINT.wants("milestone.breached", "west")
    assert not ENDPOINT.wants("case.received", "east")
    everywhere = replace(ENDPOINT, communities=())
    assert everywhere.wants("case.closed", "west")
    disabled = replace(ENDPOINT, disabled_at=datetime(2026, 2, 1, tzinfo=UTC), disabled_reason="x")
    assert not disabled.active
    assert not disabled.wants("milestone.breached", "east")


def test_a_secret_is_in_the_standard_webhooks_form_and_new_each_time() -> None:
    first, second = new_secret(), new_secret()
    assert first != second
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 24
