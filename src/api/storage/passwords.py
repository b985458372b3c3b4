"""Console passwords: only an Argon2id hash of each is stored (argon2-cffi's defaults).

A password has 10 to 1024 characters. Checking one for a name that has no account takes
as long as for one that has: it is checked against a stand-in hash, so the time a login
takes does not tell which names exist. A hash made with weaker parameters than the
current defaults is replaced at the next successful login.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SHORTEST, LONGEST = 10, 1024  # a password's length, in characters


class PasswordRefused(ValueError):
    """The password cannot be used; the message says why, never what it is."""


def check_password(password: str) -> str:
    if len(password) < SHORTEST:
        raise PasswordRefused(f"a password has at least {SHORTEST} characters")
    if len(password) > LONGEST:
        raise PasswordRefused(f"a password has at most {LONGEST} characters")
    return password


class Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._stand_in: str | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(check_password(password))

    def matches(self, stored: str | None, password: str) -> bool:
        """Whether `password` is the one `stored` was made from; None: no account, checked
        against the stand-in all the same."""
        if self._stand_in is None:
            self._stand_in = self._hasher.hash(secrets.token_urlsafe(16))
        if stored is None or len(password) > LONGEST:
            stored, password = self._stand_in, password[:LONGEST]
            self._verify(stored, password)
            return False
        return self._verify(stored, password)

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def outdated(self, stored: str) -> bool:
        """Whether `stored` was made with other parameters than the current ones."""
        return self._hasher.check_needs_rehash(stored)
