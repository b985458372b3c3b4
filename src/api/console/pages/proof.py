"""`/console/cases/{case_id}/proof`: the case's proof (docs/audit.md) as a file to hand to
whoever disputes the record, for supervisors, as `GET /requests/{id}/proof` is."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.console.errors import error_page
from api.console.i18n import N_
from api.console.rendering import translate
from api.console.visitors import Visitor, page
from api.http.proof_document import NoCheckpointYet, case_proof
from api.http.reading import CaseId, await_the_head, check_can_read, load
from api.http.runtime import Runtime
from api.storage.audit_key import AuditKeyError
from api.storage.tokens import Role

router = APIRouter(prefix="/console", include_in_schema=False)
SUPERVISORS_ONLY = N_("Only supervisors download a case's proof.")
NOT_YET = N_("No checkpoint has been signed yet; try again in a minute.")


@router.get("/cases/{case_id}/proof")
def proof_file(
    request: Request, who: Annotated[Visitor, page("case")], case_id: CaseId
) -> Response:
    if who.principal.role is not Role.SUPERVISOR:
        return error_page(request, 403, translate(who.language, SUPERVISORS_ONLY), {})
    rt: Runtime = request.app.state.runtime
    loaded = load(rt, case_id)
    check_can_read(rt, who.principal, loaded, None)
    case = loaded.case
    number = rt.numbers.number_of(case.id)
    await_the_head(rt)  # the timeline says where each event lies in the log
    try:
        document = case_proof(
            rt.service, rt.audit_store(), rt.audit_key(), case.id, number, rt.store
        )
    except (NoCheckpointYet, AuditKeyError):
        return error_page(request, 503, translate(who.language, NOT_YET), {})
    name = f"{number or case.id}-proof.json"
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n",
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
