"""A case's proof: each of its stored events with an inclusion proof against a signed
checkpoint, in a document that `check_proof` (or any verifier written from docs/audit.md)
checks offline, without the database.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from projections.audit.leaves import Leaf
from projections.audit.merkle import ProofError, inclusion_proofs, verify_inclusion
from projections.audit.notes import NoteError, VerifierKey, parse_note, parse_vkey
from projections.audit.store import AuditStore

FORMAT = "propdesk-case-proof/1"


@dataclass(frozen=True)
class ProvenEvent:
    leaf: Leaf
    index: int | None  # its leaf in the tree; None until the tree has taken it in
    proof: list[bytes] | None  # None when after the checkpoint
    event: Any  # the stored event as the domain reads it


def prove_case(
    app: Application[Any], store: AuditStore, case_id: UUID, positions: Mapping[int, int]
) -> tuple[str | None, list[ProvenEvent]]:
    """The latest checkpoint's text (None before the first) and the case's events, each
    proven against it where it covers them. `positions` says where each version of the
    case lies in the log (the timeline read model knows); a version it does not name yet
    is not provable yet. A wrong position proves nothing: its leaf would not verify."""
    latest = store.latest_checkpoint()
    size = latest.size if latest else 0
    leaves = store.leaves_at(positions.values())
    stored = app.recorder.select_events(case_id)
    indexes = [leaves.get(positions.get(s.originator_version, 0)) for s in stored]
    provable = [i for i in indexes if i is not None and i < size]
    proofs = dict(zip(provable, inclusion_proofs(provable, size, store.nodes), strict=True))
    proven = []
    for event, index in zip(stored, indexes, strict=True):
        version = event.originator_version
        leaf = Leaf(
            positions.get(version, 0), str(case_id), version, event.topic, bytes(event.state)
        )
        domain = app.mapper.to_domain_event(event)
        proven.append(
            ProvenEvent(leaf, index, proofs.get(index) if index is not None else None, domain)
        )
    return (latest.note if latest else None), proven


def proof_entry(event: ProvenEvent) -> dict[str, Any]:
    return {
        "leaf_index": event.index,
        "position": None if event.index is None else event.leaf.position,
        "version": event.leaf.version,
        "topic": event.leaf.topic,
        "state": base64.b64encode(event.leaf.state).decode(),
        "inclusion_proof": None
        if event.proof is None
        else [base64.b64encode(h).decode() for h in event.proof],
    }


@dataclass(frozen=True)
class ProofCheck:
    case_id: str
    checkpoint_size: int
    origin: str
    proven: list[int]  # the versions proven
    pending: list[int]  # the versions after the checkpoint, not yet provable


def check_proof(document: Any, key: VerifierKey | None = None) -> ProofCheck:
    """Check an exported proof; `key` is the log's verifier key as obtained from the
    operator (without it, the key inside the document, which proves only that the document
    is consistent with itself). Raises ProofError saying what failed."""
    try:
        if document.get("format") != FORMAT:
            raise ProofError(f"not a propdesk case proof (format {document.get('format')!r})")
        case_id = str(UUID(document["case_id"]))
        note = parse_note(document["checkpoint"])
        signer = key or parse_vkey(document["key"])
        events = document["events"]
    except (KeyError, TypeError, AttributeError, ValueError, NoteError) as error:
        raise ProofError(f"the document is not a well-formed case proof: {error}") from None
    if not note.signed_by(signer):
        raise ProofError(f"the checkpoint is not signed by {signer.text()}")
    checkpoint = note.checkpoint
    proven, pending = [], []
    for number, entry in enumerate(events, start=1):
        try:
            version = int(entry["version"])
            if entry["inclusion_proof"] is None:
                pending.append(version)
                continue
            leaf = Leaf(
                int(entry["position"]), case_id, version, str(entry["topic"]), _b64(entry["state"])
            )
            proof = [_b64(h) for h in entry["inclusion_proof"]]
            verify_inclusion(
                int(entry["leaf_index"]), checkpoint.size, leaf.hash(), proof, checkpoint.root
            )
        except ProofError as error:
            raise ProofError(f"version {version} of the case: {error}") from None
        except (KeyError, TypeError, ValueError) as error:
            raise ProofError(
                f"event {number} of the document is not well formed: {error}"
            ) from None
        proven.append(version)
    versions = sorted(proven + pending)
    if versions != list(range(1, len(versions) + 1)):
        raise ProofError(f"the document leaves out events: it has versions {versions}")
    return ProofCheck(case_id, checkpoint.size, checkpoint.origin, proven, pending)


def _b64(text: Any) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except binascii.Error:
        raise ProofError("a hash or state is not base64") from None
