"""The two signatures a delivery may carry.

Standard Webhooks (the json format): `v1,` and the base64 HMAC-SHA256 of
`<webhook-id>.<webhook-timestamp>.<body>`, keyed with the bytes the endpoint's secret
encodes after `whsec_`. A DingTalk robot in signed mode: the URL takes `timestamp` (in
milliseconds) and `sign`, the base64 HMAC-SHA256 of `<timestamp>\\n<secret>` keyed with the
secret itself, URL-encoded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote_plus

SECRET_PREFIX = "whsec_"


def standard_signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def dingtalk_sign(secret: str, milliseconds: int) -> str:
    """The `sign` parameter, URL-encoded."""
    signed = f"{milliseconds}\n{secret}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def dingtalk_signed_url(url: str, secret: str, milliseconds: int) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={milliseconds}&sign={dingtalk_sign(secret, milliseconds)}"
