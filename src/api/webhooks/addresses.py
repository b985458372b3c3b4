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
    except (UnicodeError, ValueError) as error:  # IDNA: a label empty or over 63 characters
        raise UnsafeAddress(f"the host {host!r} is not a valid name: {error}") from None
    return sorted({str(info[4][0]) for info in found})


def check_url(url: str, *, allow_private: bool, resolver: Resolver = resolve) -> list[str]:
    """Refuses a URL a webhook may not use; returns the addresses its host resolves to."""
    if len(url) > 2000:
        raise UnsafeAddress("the URL is longer than 2000 characters")
    if any(c.isspace() or not c.isprintable() for c in url):
        # urlsplit drops some of them silently: the URL checked would not be the one stored
        raise UnsafeAddress("the URL holds a space or a control character; percent-encode it")
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
    if not addresses:
        raise UnsafeAddress(f"the host {host!r} resolves to no address")
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
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            # The IPv4 address inside is where the packets end up, whatever the prefix.
            return _private(str(embedded))
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


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries: mapped, 6to4, Teredo's client, NAT64's or the
    deprecated compatible form, each of which may reach an IPv4 host."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):  # not :: nor ::1
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None
