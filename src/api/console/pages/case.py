"""The case page, `/console/cases/{case_id}` (an id or a number): the case as the API
knows it, now or as of an instant (`as_of`, or `at_version`: the instant event v was
recorded), and the reveal of its reporter, logged before it is shown.

The case is loaded and checked by the API's own code (`reading.load`, `check_can_read`):
a case out of the visitor's scope, or a worker's case not assigned to them, answers 404
exactly as a missing one does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from api.console.actions.forms import Failure, action_forms
from api.console.case_page.reporter import ReporterShown, reporter_shown
from api.console.case_page.versions import as_of_links, exact
from api.console.case_page.view import case_view, may_reveal
from api.console.errors import error_page
from api.console.i18n import N_
from api.console.params import blank, moment, whole
from api.console.rendering import render, translate, url_with
from api.console.signin import safe_next
from api.console.visitors import Visitor, checked_form, page
from api.http.reading import CaseId, Loaded, check_can_read, load
from api.http.runtime import Runtime
from workflow.declared import COMMANDS

DECLARED = frozenset(c.name for c in COMMANDS)
RECEIVED = "receive"  # what a redirect from the new-case form says was done

router = APIRouter(prefix="/console", include_in_schema=False)
REVEALED = "reporter"  # what the access log says was shown
NO_REVEAL = N_("Your role may not reveal personal data.")


@router.get("/cases/{case_id}")
def case_page(request: Request, who: Annotated[Visitor, page("case")], case_id: CaseId) -> Response:
    rt: Runtime = request.app.state.runtime
    at_version = request.query_params.get("at_version")
    if not blank(at_version):
        return _to_version(request, rt, who, case_id, at_version)
    as_of = moment("as_of", request.query_params.get("as_of"))
    loaded = load(rt, case_id, as_of)
    check_can_read(rt, who.principal, loaded, as_of)
    context = case_context(request, rt, who, loaded, as_of)
    return render(request, "case.html", context, language=who.language)


def _to_version(
    request: Request, rt: Runtime, who: Visitor, case_id: Any, at_version: str | None
) -> Response:
    """The page as of the instant event `at_version` was recorded: a redirect to that
    `as_of`, so that the address says which instant is shown. Checked first: the recorded
    time of a case one may not read is not told."""
    loaded = load(rt, case_id)
    check_can_read(rt, who.principal, loaded, None)
    version = whole("at_version", at_version, 1, len(loaded.events), len(loaded.events))
    recorded = loaded.events[version - 1].timestamp
    target = url_with(request, at_version=None, as_of=exact(recorded))
    return RedirectResponse(target, status_code=303)


@router.post("/cases/{case_id}/reveal")
def reveal(
    request: Request,
    who: Annotated[Visitor, page("case")],
    case_id: CaseId,
    fields: Annotated[dict[str, str], Depends(checked_form)],
) -> Response:
    """The reporter in full: an htmx fragment, or the whole page without htmx. Written to
    the access log before it is shown; a role that may not reveal gets 403, nothing logged."""
    if not may_reveal(who.principal):
        return error_page(request, 403, translate(who.language, NO_REVEAL), {})
    rt: Runtime = request.app.state.runtime
    as_of = moment("as_of", fields.get("as_of"))
    loaded = load(rt, case_id, as_of)
    check_can_read(rt, who.principal, loaded, as_of)
    shown = reporter_shown(rt.service.reporters, loaded.case, revealed=True)
    if shown.present and not shown.erased:
        rt.access_log.record(who.principal, str(loaded.case.id), REVEALED, at=datetime.now(UTC))
    context = case_context(request, rt, who, loaded, as_of, reporter=shown)
    template = "case_reporter.html" if request.headers.get("hx-request") else "case.html"
    return render(request, template, context, language=who.language)


def case_context(
    request: Request,
    rt: Runtime,
    who: Visitor,
    loaded: Loaded,
    as_of: datetime | None,
    *,
    reporter: ReporterShown | None = None,
    failure: Failure | None = None,
) -> dict[str, Any]:
    """The case page's context. Commands are offered on the case as it is now only: a past
    view is a record, not a place to act."""
    view = case_view(rt, who.principal, loaded, as_of, reporter=reporter)
    query = request.query_params
    opened = (query.get("act") or "").replace("-", "_")
    actions = (
        [] if as_of is not None else action_forms(rt, who.principal, loaded.case, failure, opened)
    )
    return {
        "user": who,
        "current": "case",
        "as_of": as_of,
        "view": view,
        "exact": exact,
        "versions": as_of_links(request, view.ticks),
        "actions": actions,
        "done": _done(request.query_params.get("done")),
        "changed_since": None,
        # The page a form sends the visitor back to (the callback queue); the case page
        # itself when none.
        "back": safe_next(query.get("next") or (failure.back if failure else None)),
    }


def _done(sent: str | None) -> str | None:
    """The command a redirect says was recorded, when it names one."""
    if sent == RECEIVED:
        return sent
    return sent if sent is not None and sent.replace("-", "_") in DECLARED else None
