"""A case's proof: its stored events with their inclusion proofs against the latest signed
checkpoint of the audit tree (docs/audit.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from api.http.auth import RuntimeDep, requires
from api.http.problems import ApiProblem, problem_responses
from api.http.proof_document import NoCheckpointYet, case_proof
from api.http.reading import CaseId, await_the_head
from api.http.scopes import check_in_scope
from api.http.strict_query import StrictRoute
from api.storage.audit_key import AuditKeyError
from api.storage.tokens import Principal, Role

NO_KEY_YET = "no checkpoint has been signed yet: the follower signs the first one shortly"
router = APIRouter(prefix="/requests", tags=["requests"], route_class=StrictRoute)


class ProvenEvent(BaseModel):
    leaf_index: int | None = Field(description="its leaf in the tree; null until taken in")
    position: int | None = Field(description="its place in the event log")
    version: int
    topic: str
    state: str = Field(description="the stored event, base64: what the leaf hashes")
    inclusion_proof: list[str] | None = Field(
        description="base64 hashes from the leaf to the checkpoint's root; null for an "
        "event after the checkpoint"
    )
    shown: dict[str, Any] = Field(description="the event as the history shows it")


class CaseProof(BaseModel):
    format: str = Field(description="propdesk-case-proof/1")
    case_id: str
    number: str | None
    checkpoint: str = Field(description="the signed checkpoint (C2SP tlog-checkpoint)")
    key: str = Field(description="the log's verifier key (C2SP signed-note vkey)")
    events: list[ProvenEvent]


@router.get(
    "/{case_id}/proof",
    summary="A case's events with their inclusion proofs",
    responses=problem_responses(401, 403, 404, 422, 503),
)
def get_proof(
    case_id: CaseId,
    rt: RuntimeDep,
    who: Annotated[Principal, Depends(requires(Role.SUPERVISOR, action="read case histories"))],
) -> CaseProof:
    """Checked offline with `propdesk audit verify-export`, or any verifier written from
    docs/audit.md. Events recorded after the latest checkpoint come without a proof until
    the next checkpoint (at most a minute by default)."""
    case = rt.service.get(case_id)
    check_in_scope(who, case)
    await_the_head(rt)  # the timeline says where each event lies in the log
    try:
        document = case_proof(
            rt.service,
            rt.audit_store(),
            rt.audit_key(),
            case.id,
            rt.numbers.number_of(case.id),
            rt.store,
        )
    except (NoCheckpointYet, AuditKeyError) as error:
        seconds = max(1, round(rt.config.settings.audit.checkpoint_seconds))
        raise ApiProblem(
            503,
            "no-checkpoint-yet",
            "No checkpoint yet",
            # The key file's path is the server's business, not the reader's.
            str(error) if isinstance(error, NoCheckpointYet) else NO_KEY_YET,
            headers={"Retry-After": str(seconds)},
        ) from None
    return CaseProof.model_validate(document)
