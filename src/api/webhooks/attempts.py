"""One attempt at a delivery: check the address again, post, and read what the answer means.

The URL is checked before every attempt on the addresses its host resolves to then, and
the request goes to the first of those addresses (the host still named in `Host` and, over
TLS, in SNI and the certificate check): a name that resolved to a public address for the
check cannot point the request at a private one a moment later. Redirects are never
followed: a 3xx is a failed attempt. Error texts are short and never hold the URL's
query (where WeCom and DingTalk put a robot's key) or a secret.
"""

from __future__ import annotations

import ipaddress
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from api.webhooks.addresses import Resolver, UnsafeAddress, check_url, resolve
from api.webhooks.endpoints import Endpoint
from api.webhooks.formats import Message

DELIVERED, RETRY, GONE = "delivered", "retry", "gone"
ANSWER_LIMIT = 64 * 1024  # bytes of an answer read; the rest is not needed
ERROR_LENGTH = 200


@dataclass(frozen=True)
class Answer:
    status: int | None  # the HTTP status, None when there was no answer
    error: str | None
    outcome: str  # DELIVERED, RETRY or GONE (410: the endpoint is to be disabled)


def post(
    client: httpx.Client,
    endpoint: Endpoint,
    message: Message,
    *,
    timeout: float,
    resolver: Resolver = resolve,
) -> Answer:
    def short(text: str) -> str:
        return scrubbed(text, endpoint, message)

    url, headers = message.url, dict(message.headers)
    extensions: dict[str, Any] = {}
    if not endpoint.allow_private:
        try:
            addresses = check_url(message.url, allow_private=False, resolver=resolver)
        except UnsafeAddress as error:
            return Answer(None, short(str(error)), RETRY)
        url, pinned_headers, extensions = pinned(message.url, addresses)
        headers.update(pinned_headers)
    deadline = time.monotonic() + timeout
    try:
        with client.stream(
            "POST",
            url,
            content=message.body,
            headers=headers,
            timeout=timeout,
            extensions=extensions,
            follow_redirects=False,
        ) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if time.monotonic() > deadline:
                    return Answer(response.status_code, f"no whole answer in {timeout:g} s", RETRY)
                if len(body) >= ANSWER_LIMIT:
                    break
            return meaning(endpoint, response.status_code, bytes(body), short)
    except httpx.TimeoutException:
        return Answer(None, f"no answer in {timeout:g} s", RETRY)
    except httpx.HTTPError as error:
        return Answer(None, short(f"{type(error).__name__}: {error}"), RETRY)


def meaning(endpoint: Endpoint, status: int, body: bytes, short: Any = str) -> Answer:
    if status == 410:
        return Answer(status, "410 Gone: the endpoint is disabled", GONE)
    if 300 <= status < 400:
        return Answer(status, f"HTTP {status}: webhooks do not follow redirects", RETRY)
    if not 200 <= status < 300:
        return Answer(status, f"HTTP {status}", RETRY)
    if endpoint.format in ("wecom", "dingtalk"):
        # The robots answer 200 to what they refuse too, with a nonzero errcode.
        try:
            document = json.loads(body)
        except ValueError:
            document = None
        if isinstance(document, dict) and document.get("errcode", 0) != 0:
            said = f"errcode {document.get('errcode')}: {document.get('errmsg', '')}"
            return Answer(status, short(said), RETRY)
    return Answer(status, None, DELIVERED)


def pinned(url: str, addresses: list[str]) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL aimed at the checked address, with what keeps it naming its host."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not addresses or _is_address(host):
        return url, {}, {}
    address = addresses[0]
    netloc = f"[{address}]" if ":" in address else address
    if parts.port is not None:
        netloc += f":{parts.port}"
    headers = {"host": parts.netloc.rsplit("@", 1)[-1]}
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), headers, extensions


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def scrubbed(text: str, endpoint: Endpoint, message: Message) -> str:
    """`text` without the URLs' queries or the secrets, on one line, cut short."""
    for url in (message.url, endpoint.url):
        text = text.replace(url, endpoint.redacted_url())
    hidden = [endpoint.secret, endpoint.robot_secret or ""]
    hidden += [urlsplit(url).query for url in (message.url, endpoint.url)]
    for secret in sorted(filter(None, hidden), key=len, reverse=True):
        text = text.replace(secret, "…")
    text = " ".join(text.split())
    return text if len(text) <= ERROR_LENGTH else text[: ERROR_LENGTH - 1] + "…"
