"""Signed checkpoints in the C2SP formats: `tlog-checkpoint` inside a `signed-note`,
signed with Ed25519, and the verifier key (`vkey`) that checks them.

A checkpoint's text is its origin (the log's name), the tree size and the root hash in
base64, one per line; a blank line; then a signature line per signer:
`— <key name> <base64 of the 4-byte key id and the 64-byte signature>`. The key id is the
first 4 bytes of SHA-256(key name, a newline, 0x01, the 32-byte public key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = b"\x01"
DASH = "\u2014"  # the em dash that starts a signature line


class NoteError(ValueError):
    """A checkpoint or key that cannot be read, or a signature that does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


@dataclass(frozen=True)
class VerifierKey:
    name: str
    public: bytes

    @property
    def key_id(self) -> bytes:
        return hashlib.sha256(self.name.encode() + b"\n" + ED25519 + self.public).digest()[:4]

    def text(self) -> str:
        encoded = base64.b64encode(ED25519 + self.public).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def verify(self, body: str, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, body.encode())
        except InvalidSignature:
            return False
        return True


def verifier_key(name: str, key: Ed25519PrivateKey) -> VerifierKey:
    return VerifierKey(name, key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def default_origin(key: Ed25519PrivateKey) -> str:
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "propdesk/" + hashlib.sha256(public).hexdigest()[:16]


def parse_vkey(text: str) -> VerifierKey:
    try:
        name, key_id, encoded = text.strip().split("+", 2)
        raw = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        raise NoteError("a verifier key reads <name>+<key id in hex>+<base64 key>") from None
    if len(raw) != 33 or raw[:1] != ED25519:
        raise NoteError("the verifier key is not an Ed25519 key (type 0x01, 32 bytes)")
    key = VerifierKey(name, raw[1:])
    if key.key_id.hex() != key_id.lower():
        raise NoteError(f"the verifier key's id {key_id} does not match its name and key")
    return key


def sign(checkpoint: Checkpoint, name: str, key: Ed25519PrivateKey) -> str:
    body = checkpoint.body()
    signer = verifier_key(name, key)
    signature = base64.b64encode(signer.key_id + key.sign(body.encode())).decode()
    return f"{body}\n{DASH} {name} {signature}\n"


@dataclass(frozen=True)
class SignedCheckpoint:
    checkpoint: Checkpoint
    text: str
    signatures: tuple[tuple[str, bytes, bytes], ...]  # (key name, key id, signature)

    def signed_by(self, key: VerifierKey) -> bool:
        body = self.checkpoint.body()
        return any(
            name == key.name and key_id == key.key_id and key.verify(body, signature)
            for name, key_id, signature in self.signatures
        )


def parse_note(text: str) -> SignedCheckpoint:
    """A checkpoint as handed out; signatures are read, not yet checked (`signed_by`)."""
    body, blank, lines = text.partition("\n\n")
    head = body.split("\n")
    if not blank or len(head) != 3:
        raise NoteError(
            "a checkpoint is three lines (an origin, a size, a base64 root hash), a blank "
            "line, then signature lines"
        )
    try:
        size = int(head[1])
        root = base64.b64decode(head[2], validate=True)
    except (ValueError, binascii.Error):
        raise NoteError(
            "the checkpoint's second line must be a size, its third a base64 hash"
        ) from None
    if size < 0 or len(root) != 32 or not head[1].isdigit():
        raise NoteError("the checkpoint's size or root hash is not well formed")
    signatures = []
    for line in lines.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH:
            raise NoteError(f"not a signature line: {line[:80]!r}")
        try:
            raw = base64.b64decode(parts[2], validate=True)
        except binascii.Error:
            raise NoteError("a signature is not base64") from None
        if len(raw) < 5:
            raise NoteError("a signature is too short")
        signatures.append((parts[1], raw[:4], raw[4:]))
    if not signatures:
        raise NoteError("the checkpoint carries no signature")
    return SignedCheckpoint(Checkpoint(head[0], size, root), text, tuple(signatures))
