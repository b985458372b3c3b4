"""The engineer's page, `/console/my` (我的工单): the open cases assigned to the signed-in
worker that wait for something the worker does, most urgent first (time to breach), each
with its due times and the commands the worker may send on it now, laid out for a phone.

Rows come from the read models; each case's forms from the case itself, so that a form
carries the version the command will be decided on even while the read models catch up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.console.actions.forms import ActionForm, action_forms
from api.console.case_queue import QueueRow
from api.console.pages.queue import queue_page
from api.console.params import blank
from api.console.queue_filters import QueueFilters
from api.console.rendering import render
from api.console.visitors import Visitor, page
from api.http.runtime import Runtime
from workflow.declared import COMMANDS
from workflow.errors import CaseNotFound

router = APIRouter(prefix="/console", include_in_schema=False)
BACK = "/console/my"
LIMIT = 200  # the most urgent; a worker with more is told to use the queue
DECLARED = frozenset(c.wire_name for c in COMMANDS)


@dataclass(frozen=True)
class Job:
    row: QueueRow
    version: int
    forms: list[ActionForm]


@router.get("/my")
def my_work(request: Request, who: Annotated[Visitor, page("my")]) -> Response:
    rt: Runtime = request.app.state.runtime
    filters = QueueFilters(assignee=who.name, state="open", sort="due")
    found = queue_page(rt, who, filters, limit=LIMIT)
    jobs = [job for row in found.rows if (job := _job(rt, who, row)) is not None]
    context = {
        "user": who,
        "current": "my",
        "jobs": jobs,
        "more": found.total > LIMIT,
        "now": datetime.now(UTC),
        "back": BACK,
        **_done(request, rt),
    }
    return render(request, "my_work.html", context, language=who.language)


def _job(rt: Runtime, who: Visitor, row: QueueRow) -> Job | None:
    """The row with the case's forms; None when the worker has nothing to do on it (a
    completed case waits for the desk's callback) or it is no longer theirs (the read
    models had not caught up with a dispatch to someone else)."""
    try:
        case = rt.service.get(UUID(row.case.case_id))
    except CaseNotFound:
        return None
    forms = action_forms(rt, who.principal, case)
    if case.assignee != who.name or not forms:
        return None
    return Job(row, case.version, forms)


def _done(request: Request, rt: Runtime) -> dict[str, Any]:
    q = request.query_params
    done, case = q.get("done"), q.get("case")
    if done not in DECLARED or blank(case):
        return {"done": None}
    try:
        number = rt.numbers.number_of(UUID(str(case)[:40]))
    except ValueError:
        return {"done": None}
    return {"done": done, "done_number": number or str(case)[:8]}
