"""Which URLs a webhook may post to: http and https to public addresses; private, loopback,
link-local and other non-public ones only when an admin allows them. Names are resolved
by an injected resolver: no test asks the network."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from api.webhooks.addresses import UnsafeAddress, WebhookError, check_url

NAMES = {
    "hooks.example.com": ["93.184.216.34"],
    "dual.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "sneaky.example.com": ["127.0.0.1"],
    "half.example.com": ["93.184.216.34", "10.0.0.7"],
    "inside.example.com": ["::1"],
    "nowhere.example.com": [],
}


def resolver(host: str, port: int) -> Sequence[str]:
    if host in NAMES:
        return NAMES[host]
    # A literal address resolves to itself, as getaddrinfo answers.
    return [host]


ACCEPTED = [
    "http://hooks.example.com/notify",
    "https://hooks.example.com:8443/notify?key=abc",
    "https://dual.example.com/",
    "http://93.184.216.34/",
    "https://[2606:4700::1111]/hook",
    "HTTPS://hooks.example.com/",
]

# (URL, what the refusal says)
REFUSED_ALWAYS = [
    ("ftp://hooks.example.com/file", "scheme is 'ftp'"),
    ("file:///etc/passwd", "scheme is 'file'"),
    ("javascript:alert(1)", "scheme is 'javascript'"),
    ("hooks.example.com/notify", "scheme is 'missing'"),
    ("http:///notify", "names no host"),
    ("https://", "names no host"),
    ("http://hooks.example.com:99999/", "not a URL"),
    ("http://[::1/", "not a URL"),
    ("http://hooks.example.com/a b", "space or a control character"),
    ("http://hooks.example.com/\nX-Injected: 1", "space or a control character"),
    ("http://nowhere.example.com/", "resolves to no address"),
    ("https://hooks.example.com/" + "a" * 2000, "longer than 2000"),
]

REFUSED_UNLESS_ALLOWED = [
    ("http://127.0.0.1/", "loopback"),
    ("http://127.8.9.10:8080/", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://10.1.2.3/", "private"),
    ("http://172.16.0.1/", "private"),
    ("http://172.31.255.254/", "private"),
    ("http://192.168.1.20/", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[::ffff:10.0.0.1]/", "private"),
    ("http://[64:ff9b::7f00:1]/", "loopback"),  # NAT64 of 127.0.0.1
    ("http://[2002:7f00:1::]/", "loopback"),  # 6to4 of 127.0.0.1
    ("http://[::127.0.0.1]/", "loopback"),  # the deprecated IPv4-compatible form
    ("http://0.0.0.0/", "private"),
    ("http://[::]/", "private"),
    ("http://100.64.0.1/", "non-public"),  # carrier-grade NAT
    ("http://224.0.0.1/", "multicast"),
    ("http://[fc00::1]/", "private"),
    ("http://sneaky.example.com/", "loopback"),
    ("http://half.example.com/", "private"),  # one bad address of several is enough
    ("http://inside.example.com/", "loopback"),
]


@pytest.mark.parametrize("url", ACCEPTED)
def test_http_and_https_to_public_addresses_are_accepted(url: str) -> None:
    assert check_url(url, allow_private=False, resolver=resolver)


@pytest.mark.parametrize(("url", "why"), REFUSED_ALWAYS)
@pytest.mark.parametrize("allow_private", [False, True])
def test_other_schemes_and_malformed_urls_are_refused_even_when_private_ones_are_allowed(
    url: str, why: str, allow_private: bool
) -> None:
    with pytest.raises(UnsafeAddress, match=why):
        check_url(url, allow_private=allow_private, resolver=resolver)


@pytest.mark.parametrize(("url", "why"), REFUSED_UNLESS_ALLOWED)
def test_non_public_addresses_are_refused_saying_which_and_how_to_allow_them(
    url: str, why: str
) -> None:
    with pytest.raises(UnsafeAddress) as refused:
        check_url(url, allow_private=False, resolver=resolver)
    assert f"a {why} address" in str(refused.value)
    assert "--allow-private" in str(refused.value)


@pytest.mark.parametrize(("url", "why"), REFUSED_UNLESS_ALLOWED)
def test_non_public_addresses_are_accepted_when_the_admin_allows_private_ones(
    url: str, why: str
) -> None:
    assert check_url(url, allow_private=True, resolver=resolver)


def test_the_addresses_the_host_resolves_to_are_returned() -> None:
    found = check_url("https://dual.example.com/", allow_private=False, resolver=resolver)
    assert found == NAMES["dual.example.com"]


def test_the_resolver_is_asked_with_the_urls_port_or_the_schemes() -> None:
    asked: list[tuple[str, int]] = []

    def noting(host: str, port: int) -> Sequence[str]:
        asked.append((host, port))
        return ["93.184.216.34"]

    for url in ("http://a.example/", "https://b.example/", "https://c.example:8443/"):
        check_url(url, allow_private=False, resolver=noting)
    assert asked == [("a.example", 80), ("b.example", 443), ("c.example", 8443)]


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://localhost/", "loopback"),
        ("http://127.0.0.1/", "loopback"),
        ("http://" + "a" * 64 + ".example.com/", "not a valid name"),
        ("http://no-such-host.invalid/", "does not resolve"),
    ],
)
def test_the_system_resolver_refuses_loopback_names_and_names_that_do_not_resolve(
    url: str, why: str
) -> None:
    # Names the system answers without asking the network: /etc/hosts, a literal, a
    # malformed label and the reserved .invalid domain.
    with pytest.raises(UnsafeAddress, match=why):
        check_url(url, allow_private=False)


def test_an_unsafe_address_is_a_webhook_error_and_a_value_error() -> None:
    # What the command line and the HTTP API catch.
    assert issubclass(UnsafeAddress, WebhookError)
    assert issubclass(WebhookError, ValueError)
