"""Policies uploaded to the what-if page: checked by the policy parser, then kept in this
process for a while (a small LRU keyed by the text's SHA-256), so that the links of a
comparison (the cases behind a changed row) can carry the policy by its digest.

Nothing is written anywhere: a restart, or enough other uploads, forgets a policy, and
the page then asks for the file again.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from projections.policy import Policy, PolicyError, parse_policy

MAX_CHARACTERS = 16_000  # as the API's policy bodies: a policy file is a few kilobytes
MAX_BYTES = 4 * MAX_CHARACTERS  # UTF-8: at most four bytes a character
KEEP = 32  # policies
KEEP_SECONDS = 8 * 3600.0  # a console session's idle expiry by default
DIGEST = re.compile(r"[0-9a-f]{64}")
_SOURCE = re.compile(r"[\w .()\-]{1,100}")


@dataclass(frozen=True)
class Uploaded:
    digest: str
    name: str  # the file's name as sent, or a stand-in
    text: str
    policy: Policy


def source_name(file_name: str | None) -> str:
    """The name the parser's messages give the file: its own, when it is a plain one."""
    if file_name and _SOURCE.fullmatch(file_name):
        return file_name
    return "uploaded policy"


def read_upload(data: bytes, file_name: str | None) -> Uploaded:
    """The policy in an uploaded file; PolicyError, saying what is wrong, otherwise."""
    source = source_name(file_name)
    if len(data) > MAX_BYTES:
        raise PolicyError(f"{source}: a policy file has at most {MAX_CHARACTERS} characters")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PolicyError(f"{source}: not UTF-8 text; save the file as UTF-8") from None
    if not text.strip():
        raise PolicyError(f"{source}: the file is empty; choose a policy file (TOML)")
    if len(text) > MAX_CHARACTERS:
        raise PolicyError(
            f"{source}: {len(text)} characters; a policy file has at most {MAX_CHARACTERS}"
        )
    policy = parse_policy(text, source)
    return Uploaded(hashlib.sha256(text.encode()).hexdigest(), source, text, policy)


class KeptPolicies:
    """The last KEEP uploads of this process, each for KEEP_SECONDS at most."""

    def __init__(self, size: int = KEEP, seconds: float = KEEP_SECONDS) -> None:
        self._size, self._seconds = size, seconds
        self._kept: OrderedDict[str, tuple[float, Uploaded]] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, uploaded: Uploaded) -> None:
        with self._lock:
            self._kept[uploaded.digest] = (time.monotonic(), uploaded)
            self._kept.move_to_end(uploaded.digest)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def get(self, digest: str) -> Uploaded | None:
        with self._lock:
            found = self._kept.get(digest)
            if found is None:
                return None
            if time.monotonic() - found[0] > self._seconds:
                del self._kept[digest]
                return None
            self._kept[digest] = (time.monotonic(), found[1])  # idle expiry, as a session's
            self._kept.move_to_end(digest)
            return found[1]


KEPT = KeptPolicies()
