"""The database password never reaches a message: URLs are shown as `scheme://user:***@host/db`.

Written without a URL parser, so that a URL too malformed to parse (the very case an
error message reports) is still shown without its password.
"""

from __future__ import annotations

import re

HIDDEN = "***"
_SCHEME = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.-]*://")
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"]+")


def redact_url(url: str) -> str:
    """`postgresql://user:***@host/db` for `postgresql://user:password@host/db`."""
    scheme = _SCHEME.match(url)
    if scheme is None:
        return url
    # The last '@' ends the user information: a password may hold an unencoded '@'.
    userinfo, at, rest = url[scheme.end() :].rpartition("@")
    if not at or ":" not in userinfo:
        return url
    user = userinfo.split(":", 1)[0]
    return f"{url[: scheme.end()]}{user}:{HIDDEN}@{rest}"


def redact(text: str, *secrets: str) -> str:
    """`text` with the password of every URL in it hidden, and each of `secrets` too
    (a tool that was given a password apart from a URL might quote it)."""
    text = _URL_IN_TEXT.sub(lambda found: redact_url(found.group()), text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, HIDDEN)
    return text
