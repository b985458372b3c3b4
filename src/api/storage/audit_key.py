"""The audit log's signing key: an Ed25519 private key in a file of its own, outside the
database, readable by its owner only. Created at first use; never written into the database,
so that whoever can change the database cannot sign a checkpoint with it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from api.storage.private_files import PRIVATE


class AuditKeyError(RuntimeError):
    """The key file cannot be used: unreadable, not a key, or readable by others."""


def load_or_create_key(path: Path, *, create: bool = True) -> Ed25519PrivateKey:
    """The key in `path`; a new one written there (mode 0600) when the file is missing and
    `create` is true."""
    try:
        found = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        if not create:
            raise AuditKeyError(
                f"no audit signing key at {path}: it is created when the follower first "
                "signs a checkpoint (`propdesk projections run`, `propdesk serve`, or "
                "`propdesk audit checkpoint --new`)"
            ) from None
        return _create(path)
    if found & 0o077:
        raise AuditKeyError(
            f"the audit signing key {path} is readable by other users (mode {found:o}); "
            f"make it owner-only (chmod 600 {path}) before it is used"
        )
    try:
        key = load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise AuditKeyError(f"cannot read the audit signing key {path}: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditKeyError(f"{path} holds a {type(key).__name__}, not an Ed25519 key")
    return key


def _create(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE)
    except FileExistsError:  # another process created it meanwhile: use theirs
        return load_or_create_key(path, create=False)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
        file.flush()
        os.fsync(file.fileno())
    return key
