"""A verifier of propdesk's case proofs written by a third party from docs/audit.md alone:
it imports nothing from propdesk (the standard library and an Ed25519 implementation only),
and a test checks that it does not."""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def third_party_verify(document: dict, vkey: str) -> list[int]:  # type: ignore[type-arg]
    sha = lambda data: hashlib.sha256(data).digest()  # noqa: E731
    name, key_id, key = vkey.split("+", 2)
    raw_key = base64.b64decode(key)
    assert raw_key[0] == 1, "not an Ed25519 verifier key"
    assert sha(name.encode() + b"\n" + raw_key)[:4].hex() == key_id, "bad key id"
    text, _, signatures = document["checkpoint"].partition("\n\n")
    text += "\n"
    _origin, size_line, root_line = text.splitlines()
    size, root = int(size_line), base64.b64decode(root_line)
    good = False
    for line in signatures.splitlines():
        dash, signer, signature = line.split(" ")
        raw = base64.b64decode(signature)
        if dash == "\u2014" and signer == name and raw[:4].hex() == key_id:
            try:
                Ed25519PublicKey.from_public_bytes(raw_key[1:]).verify(raw[4:], text.encode())
                good = True
            except InvalidSignature:
                pass
    assert good, "the checkpoint is not signed by the published key"
    proven = []
    for event in document["events"]:
        if event["inclusion_proof"] is None:
            continue
        head = f"{event['position']}\n{document['case_id']}\n{event['version']}\n{event['topic']}\n"
        data = b"propdesk-event/1\n" + head.encode() + base64.b64decode(event["state"])
        r, fn, sn = sha(b"\x00" + data), event["leaf_index"], size - 1
        assert fn < size, "leaf outside the tree"
        for p in map(base64.b64decode, event["inclusion_proof"]):
            assert sn > 0, "proof too long"
            if fn % 2 == 1 or fn == sn:
                r = sha(b"\x01" + p + r)
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
            else:
                r = sha(b"\x01" + r + p)
            fn, sn = fn >> 1, sn >> 1
        assert sn == 0, "proof too short"
        assert r == root, f"version {event['version']} is not in the tree"
        proven.append(event["version"])
    versions = [event["version"] for event in document["events"]]
    assert versions == list(range(1, len(versions) + 1)), "events left out"
    return proven
