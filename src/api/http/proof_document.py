"""The case proof as handed out: over HTTP (`GET /requests/{id}/proof`) and by
`propdesk audit export` (docs/audit.md)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.http import views
from projections.audit.notes import VerifierKey
from projections.audit.proofs import FORMAT, proof_entry, prove_case
from projections.audit.store import AuditStore
from workflow.service import CaseService


class NoCheckpointYet(RuntimeError):
    """Nothing can be proven before the first checkpoint is signed."""


def case_proof(
    service: CaseService, store: AuditStore, key: VerifierKey, case_id: UUID, number: str | None
) -> dict[str, Any]:
    """The case's stored events, each with its inclusion proof against the latest signed
    checkpoint and, beside it, the event as the API shows it (`shown`, for reading: the
    `state` is what is proven). Events after the checkpoint have no proof yet."""
    note, events = prove_case(service, store, case_id)
    if note is None:
        raise NoCheckpointYet(
            "no checkpoint has been signed yet: the follower signs the first once it has "
            "taken in the log (`propdesk audit checkpoint --new` signs one now)"
        )
    shown = {entry.version: entry for entry in service.history(case_id)}
    entries = []
    for event in events:
        entry = proof_entry(event)
        history = shown.get(event.leaf.version)
        entry["shown"] = (
            None
            if history is None
            else views.history_event(history, entry["position"]).model_dump(mode="json")
        )
        entries.append(entry)
    return {
        "format": FORMAT,
        "case_id": str(case_id),
        "number": number,
        "checkpoint": note,
        "key": key.text(),
        "events": entries,
    }
