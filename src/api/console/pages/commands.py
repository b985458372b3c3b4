"""A command sent from the case page: `POST /console/cases/{case_id}/commands/{command}`.

Sent, the browser is sent back (303) to the case page, or to the console page the form
came from, saying what was recorded. Refused, the case page is shown again as it is now:
an invalid input with its message next to it and what was typed kept (422); a case that
changed since the form was rendered with who changed what (409), the forms that now apply
and, where the command still applies, what was typed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from api.console.actions.forms import Failure
from api.console.actions.sending import Conflict, send
from api.console.pages.case import case_context
from api.console.rendering import render
from api.console.signin import safe_next
from api.console.visitors import Visitor, checked_form, page
from api.http.auth import forbidden
from api.http.reading import CaseId, check_can_read, load
from api.http.runtime import Runtime
from workflow.declared import COMMANDS

router = APIRouter(prefix="/console", include_in_schema=False)
BY_WIRE_NAME = {c.wire_name: c for c in COMMANDS}


@router.post("/cases/{case_id}/commands/{command_name}")
def send_command(
    request: Request,
    who: Annotated[Visitor, page("case")],
    case_id: CaseId,
    command_name: str,
    fields: Annotated[dict[str, str], Depends(checked_form)],
) -> Response:
    rt: Runtime = request.app.state.runtime
    command = BY_WIRE_NAME.get(command_name)
    if command is None:
        raise forbidden(who.principal, f"send {command_name[:40]!r}, which is no command")
    outcome = send(rt, who.principal, case_id, command, fields, who.language)
    if not isinstance(outcome, Failure | Conflict):
        back = safe_next(fields.get("next"))
        said = f"done={command.wire_name}" + (f"&case={case_id}" if back else "")
        target = back or f"/console/cases/{case_id}"
        separator = "&" if "?" in target else "?"
        return RedirectResponse(f"{target}{separator}{said}", status_code=303)
    loaded = load(rt, case_id)
    check_can_read(rt, who.principal, loaded, None)
    if isinstance(outcome, Conflict):
        typed = {n: fields.get(n, "") for n in command.inputs.names()}
        kept = Failure(command.name, typed, back=fields.get("next"))
        context = case_context(request, rt, who, loaded, None, failure=kept)
        context["changed_since"] = outcome.seen
        return render(request, "case.html", context, language=who.language, status=409)
    refused = replace(outcome, back=fields.get("next"))
    context = case_context(request, rt, who, loaded, None, failure=refused)
    return render(request, "case.html", context, language=who.language, status=422)
