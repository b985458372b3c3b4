"""The what-if page, `/console/what-if`: the SLA report under the live policies and under
a candidate, side by side, the differences marked, each changed row a link to the cases
whose status changes (`/console/what-if/cases`).

A stored candidate (a shipped file, a community's recorded version) is asked for in the
address, so a comparison is a bookmark; an uploaded file is sent with the form (POST,
CSRF-checked), parsed, and kept in this process by its digest (`what_if.uploads`) for the
links. Both reports are replays into memory, as `propdesk replay` does: the read models
are only read. A malformed file is refused with the parser's message, and nothing kept.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.console import params
from api.console.queue_filters import PAGE_SIZE, PRIORITY_CHOICES
from api.console.rendering import render
from api.console.visitors import Visitor, checked_form, page
from api.console.what_if.changes import RowKey, status_changes
from api.console.what_if.choices import StoredPolicy, stored_policies
from api.console.what_if.inputs import WhatIfInputs, read_inputs
from api.console.what_if.uploads import KEPT, MAX_BYTES, MAX_CHARACTERS, read_upload
from api.http.runtime import Runtime
from api.http.scopes import communities_for
from projections.policy import Policy, PolicyError
from projections.replay import COMPARED, Comparison, compare
from projections.reports import MILESTONE_ORDER, sla_report
from workflow.vocabulary import Kind

router = APIRouter(prefix="/console", include_in_schema=False)
# The milestones a policy file may name, in the order a case meets them.
MILESTONES = MILESTONE_ORDER
FILE_FIELD = "policy_file"


def _choices(rt: Runtime, who: Visitor) -> dict[str, StoredPolicy]:
    """The shipped files, and the policies of the communities the visitor sees."""
    versions = tuple(v for v in rt.policy.communities if who.principal.sees(v.community))
    return stored_policies(versions, rt.config.settings.policy)


def _scope(rt: Runtime, who: Visitor, inputs: WhatIfInputs) -> tuple[str, ...] | None:
    asked = list(inputs.communities) or None
    registered = rt.communities.refresh() if asked and who.principal.communities is None else None
    return communities_for(who.principal, asked, registered)


def _context(rt: Runtime, who: Visitor, inputs: WhatIfInputs, **more: Any) -> dict[str, Any]:
    return {
        "user": who,
        "current": "what_if",
        "as_of": inputs.as_of,
        "inputs": inputs,
        "choices": list(_choices(rt, who).values()),
        "communities": [
            (c.code, c.name)
            for c in sorted(rt.communities.communities(), key=lambda c: c.code)
            if who.principal.sees(c.code)
        ],
        "live_name": rt.policy.name,
        "csrf": who.csrf,
        "max_characters": MAX_CHARACTERS,
        "compared": COMPARED,
        "comparison": None,
        "candidate_name": None,
        "error": None,
        "gone": False,
        **more,
    }


def _candidate(rt: Runtime, who: Visitor, inputs: WhatIfInputs) -> Policy | None:
    """The candidate the inputs name; None for an upload this process no longer keeps."""
    if inputs.upload is not None:
        kept = KEPT.get(inputs.upload)
        return kept.policy if kept else None
    assert inputs.policy is not None
    return _choices(rt, who)[inputs.policy].policy


def _links(inputs: WhatIfInputs, moment: datetime, comparison: Comparison) -> list[str | None]:
    """Each row's link to the cases whose status changes; None for an unchanged row."""
    pinned = inputs.pinned(moment).query()
    return [
        "/console/what-if/cases?"
        + urlencode([*pinned, *((k, row[k]) for k in ("kind", "priority", "milestone"))])
        if row["changed"]
        else None
        for row in comparison.rows
    ]


def _results(rt: Runtime, who: Visitor, inputs: WhatIfInputs, candidate: Policy) -> dict[str, Any]:
    moment, among = inputs.moment(), _scope(rt, who, inputs)
    # As `propdesk replay`: the same cases judged twice, in memory.
    live = sla_report(rt.store, rt.policy, inputs.period, moment, among)
    comparison = compare(live, sla_report(rt.store, candidate, inputs.period, moment, among))
    return {
        "comparison": comparison,
        "links": _links(inputs, moment, comparison),
        "candidate_name": candidate.name,
        "moment": moment,
    }


def _gone(request: Request, rt: Runtime, who: Visitor, inputs: WhatIfInputs) -> Response:
    context = _context(rt, who, inputs, gone=True)
    return render(request, "what_if.html", context, language=who.language, status=404)


@router.get("/what-if")
def what_if(request: Request, who: Annotated[Visitor, page("what_if")]) -> Response:
    rt: Runtime = request.app.state.runtime
    inputs = read_inputs(request.query_params, list(_choices(rt, who)))
    if not inputs.chosen:
        return render(request, "what_if.html", _context(rt, who, inputs), language=who.language)
    candidate = _candidate(rt, who, inputs)
    if candidate is None:
        return _gone(request, rt, who, inputs)
    context = _context(rt, who, inputs, **_results(rt, who, inputs, candidate))
    return render(request, "what_if.html", context, language=who.language)


@router.post("/what-if")
async def what_if_upload(
    request: Request,
    who: Annotated[Visitor, page("what_if")],
    _form: Annotated[dict[str, str], Depends(checked_form)],
) -> Response:
    form = await request.form()  # read by checked_form already; Starlette keeps it
    sent = form.get(FILE_FIELD)
    data, name = None, None
    if isinstance(sent, UploadFile):
        data = await sent.read(MAX_BYTES + 1)
        name = sent.filename
    inputs = read_inputs(form, [])
    return await run_in_threadpool(_uploaded, request, who, inputs, data, name)


def _uploaded(
    request: Request, who: Visitor, inputs: WhatIfInputs, data: bytes | None, name: str | None
) -> Response:
    """The comparison with an uploaded candidate; the form again, 422, with the parser's
    message for a file that is no policy (and nothing kept)."""
    rt: Runtime = request.app.state.runtime
    try:
        if data is None:
            raise PolicyError("choose a policy file (TOML) to upload")
        uploaded = read_upload(data, name)
    except PolicyError as error:
        context = _context(rt, who, inputs, error=str(error))
        return render(request, "what_if.html", context, language=who.language, status=422)
    KEPT.keep(uploaded)
    inputs = replace(inputs, policy=None, upload=uploaded.digest)
    context = _context(rt, who, inputs, **_results(rt, who, inputs, uploaded.policy))
    return render(request, "what_if.html", context, language=who.language)


@router.get("/what-if/cases")
def what_if_cases(request: Request, who: Annotated[Visitor, page("what_if")]) -> Response:
    rt: Runtime = request.app.state.runtime
    q = request.query_params
    inputs = read_inputs(q, list(_choices(rt, who)))
    if not inputs.chosen:
        raise params.refused("policy", "name a stored policy (policy=) or an upload (upload=)")
    row = RowKey(
        params.one_of("kind", q.get("kind"), [k.value for k in Kind]) or "",
        params.one_of("priority", q.get("priority"), PRIORITY_CHOICES) or "",
        params.one_of("milestone", q.get("milestone"), MILESTONES) or "",
    )
    if not (row.kind and row.priority and row.milestone):
        raise params.refused("kind/priority/milestone", "the row's kind, priority and milestone")
    page_number = params.whole("page", q.get("page"), 1, 100_000, 1)
    candidate = _candidate(rt, who, inputs)
    if candidate is None:
        return _gone(request, rt, who, inputs)
    moment = inputs.moment()
    among = _scope(rt, who, inputs)
    changes = status_changes(rt.store, rt.policy, candidate, inputs.period, moment, among, row)
    shown = changes[(page_number - 1) * PAGE_SIZE : page_number * PAGE_SIZE]
    context = {
        "user": who,
        "current": "what_if",
        "as_of": inputs.as_of,
        "inputs": inputs,
        "row": row,
        "candidate_name": candidate.name,
        "live_name": rt.policy.name,
        "changes": shown,
        "total": len(changes),
        "page": page_number,
        "pages": max(1, -(-len(changes) // PAGE_SIZE)),
        "numbers": rt.numbers.numbers_of([c.case.case_id for c in shown]),
        "back": "/console/what-if?" + urlencode(inputs.query()),
    }
    return render(request, "what_if_cases.html", context, language=who.language)
