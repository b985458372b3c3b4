"""The webhooks page, `/console/webhooks` (admins of every community): the endpoints
notices are posted to, and the deliveries' log, newest first, failed ones alone if asked.
Endpoints are added and removed with `propdesk webhook` or `/webhooks`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.console import params
from api.console.rendering import render
from api.console.visitors import Visitor, page
from api.http.runtime import Runtime
from api.http.scopes import whole_company_only
from api.webhooks.delivery_log import deliveries
from api.webhooks.endpoints import endpoints

router = APIRouter(prefix="/console", include_in_schema=False)
PAGE_SIZE = 50
LAST_PAGE = 200  # the log is for recent failures; older ones are in /webhooks/deliveries


@router.get("/webhooks")
def webhooks(request: Request, who: Annotated[Visitor, page("webhooks")]) -> Response:
    if who.principal.communities is not None:  # endpoints span every community's notices
        raise whole_company_only(who.principal, "manage webhooks")
    rt: Runtime = request.app.state.runtime
    q = request.query_params
    failed_only = params.one_of("failed", q.get("failed"), ("1",)) == "1"
    number = params.whole("page", q.get("page"), 1, LAST_PAGE, 1)
    store = rt.notices
    found = deliveries(
        store,
        status="failed" if failed_only else None,
        limit=PAGE_SIZE + 1,
        offset=(number - 1) * PAGE_SIZE,
    )
    context = {
        "user": who,
        "current": "webhooks",
        "as_of": None,
        "endpoints": endpoints(store),
        "deliveries": found[:PAGE_SIZE],
        "numbers": rt.numbers.numbers_of([d.case_id for d in found[:PAGE_SIZE]]),
        "failed_only": failed_only,
        "page": number,
        "more": len(found) > PAGE_SIZE and number < LAST_PAGE,
    }
    return render(request, "webhooks.html", context, language=who.language)
