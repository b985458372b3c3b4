"""Which URLs a webhook may post to. Only http and https, and only to public addresses unless
the admin allows private ones: otherwise anyone who may add a webhook could make the server
call the machines behind its firewall (server-side request forgery).

The check runs when an endpoint is added and again before each delivery, on the addresses
the name resolves to then: a name may resolve elsewhere later.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

Resolver = Callable[[str, int], Sequence[str]]


class WebhookError(ValueError):
    """A webhook request that cannot be carried out; the message says why and what is allowed."""


class UnsafeAddress(WebhookError):
    """The URL is not http(s), or resolves to an address the server must not call."""


def resolve(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise UnsafeAddress(f"the host {host!r} does not resolve: {error.strerror}") from None
    return sorted({str(info[4][0]) for info in found})


def check_url(url: str, *, allow_private: bool, resolver: Resolver = resolve) -> list[str]:
    """Refuses a URL a webhook may not use; returns the addresses its host resolves to."""
    if len(url) > 2000:
        raise UnsafeAddress("the URL is longer than 2000 characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeAddress(f"not a URL: {error}") from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeAddress(
            f"the URL's scheme is {parts.scheme or 'missing'!r}; only http and https are allowed"
        )
    host = parts.hostname
    if not host:
        raise UnsafeAddress("the URL names no host")
    addresses = list(resolver(host, port or (443 if parts.scheme == "https" else 80)))
    if not allow_private:
        for address in addresses:
            reason = _private(address)
            if reason is not None:
                raise UnsafeAddress(
                    f"{host} resolves to {address}, a {reason} address; webhooks post to public "
                    "addresses only, unless an admin allows private ones (--allow-private)"
                )
    return addresses


def _private(address: str) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for reason, test in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
    ):
        if test:
            return reason
    return None if ip.is_global else "non-public"
