"""The case proof as handed out: over HTTP (`GET /requests/{id}/proof`) and by
`propdesk audit export` (docs/audit.md)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.http import views
from projections.audit.notes import VerifierKey
from projections.audit.proofs import FORMAT, proof_entry, prove_case
from projections.audit.store import AuditStore
from projections.store import ReadModelStore
from workflow.history import entry_of
from workflow.service import CaseService


class NoCheckpointYet(RuntimeError):
    """Nothing can be proven before the first checkpoint is signed."""


def case_proof(
    service: CaseService,
    store: AuditStore,
    key: VerifierKey,
    case_id: UUID,
    number: str | None,
    read_models: ReadModelStore,
) -> dict[str, Any]:
    """The case's stored events, each with its inclusion proof against the latest signed
    checkpoint and, beside it, the event as the API shows it (`shown`, for reading: the
    `state` is what is proven). Events after the checkpoint, or not yet in the timeline
    read model (which says where each lies in the log), have no proof yet."""
    rows = read_models.query(
        "SELECT version, position FROM rm_timeline WHERE case_id = ?", (str(case_id),)
    )
    positions = {int(r["version"]): int(r["position"]) for r in rows}
    note, events = prove_case(service, store, case_id, positions)
    if note is None:
        raise NoCheckpointYet(
            "no checkpoint has been signed yet: the follower signs the first once it has "
            "taken in the log (`propdesk audit checkpoint --new` signs one now)"
        )
    entries = []
    for event in events:
        entry = proof_entry(event)
        shown = views.history_event(entry_of(event.event), entry["position"])
        entry["shown"] = shown.model_dump(mode="json")
        entries.append(entry)
    return {
        "format": FORMAT,
        "case_id": str(case_id),
        "number": number,
        "checkpoint": note,
        "key": key.text(),
        "events": entries,
    }
