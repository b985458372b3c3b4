"""A new case recorded at the desk: `/console/new`, while the resident is on the phone.

The form lists, as the agent types, the open cases it may duplicate (`/console/new/similar`,
an htmx fragment; listed again on a refused form without htmx); an agent may open one and
record the call on it as an urge instead (a supervisor, who may not urge, is offered the
case only). Sent, the case page opens. The kind's categories and priorities follow the kind
(`/console/new/choices`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from api.console.i18n import N_
from api.console.new_case.form import (
    CATEGORY_CHOICES,
    CHANNEL_CHOICES,
    FIELDS,
    KIND_CHOICES,
    PRIORITY_CHOICES,
    Typed,
    blank_form,
    body_of,
    typed,
)
from api.console.new_case.similar import similar_cases
from api.console.refusals import field_problem
from api.console.rendering import render
from api.console.visitors import Visitor, checked_form, communities_seen, page
from api.http.intake.request import new_request
from api.http.problems import ApiProblem
from api.http.runtime import Runtime
from workflow.declared import declared
from workflow.errors import IdempotencyConflict, InvalidInput

router = APIRouter(prefix="/console", include_in_schema=False)
# The domain's name of an input where the form has another.
FORM_NAME = {"received_at": "occurred_at", "at": "occurred_at", "reporter": "reporter_name"}


@router.get("/new")
def new_case_form(request: Request, who: Annotated[Visitor, page("new")]) -> Response:
    rt: Runtime = request.app.state.runtime
    seen = communities_seen(rt, who)
    return _page(request, rt, who, blank_form(seen, datetime.now(UTC)), seen)


@router.get("/new/choices")
def kind_choices(request: Request, who: Annotated[Visitor, page("new")]) -> Response:
    """The category and priority selects of the kind chosen (an htmx fragment)."""
    form = typed(dict(request.query_params))
    context = {"user": who, "form": form, **_choices()}
    return render(request, "new_case_choices.html", context, language=who.language)


@router.get("/new/similar")
def similar(request: Request, who: Annotated[Visitor, page("new")]) -> Response:
    rt: Runtime = request.app.state.runtime
    form = typed(dict(request.query_params))
    context = {"user": who, "similar": _similar(rt, who, form), "may_urge": may_urge(who)}
    return render(request, "new_case_similar.html", context, language=who.language)


@router.post("/new")
async def record_new_case(
    request: Request,
    who: Annotated[Visitor, page("new")],
    fields: Annotated[dict[str, str], Depends(checked_form)],
) -> Response:
    rt: Runtime = request.app.state.runtime
    form = typed(fields)
    seen = communities_seen(rt, who)
    body = body_of(form)
    if body is None:
        return _page(request, rt, who, form, seen, status=422)
    try:
        wanted = new_request(body, who.principal, form.key)
        recorded = await rt.intake.record(wanted, who.name, rt.backdating[who.principal.role])
    except ApiProblem as refused:
        form.message = refused.detail
        return _page(request, rt, who, form, seen, status=refused.status)
    except IdempotencyConflict:
        form.message = SENT_BEFORE
        return _page(request, rt, who, form, seen, status=409)
    except InvalidInput as refused:
        name = FORM_NAME.get(refused.field, refused.field)
        if name in FIELDS:
            form.errors[name] = field_problem(who.language, refused)
        else:
            form.message = str(refused)
        return _page(request, rt, who, form, seen, status=422)
    return RedirectResponse(f"/console/cases/{recorded.case.id}?done=receive", status_code=303)


SENT_BEFORE = N_("This form was sent before and recorded a case; open a new form for another case.")


def _choices() -> dict[str, Any]:
    return {
        "kinds": KIND_CHOICES,
        "channels": CHANNEL_CHOICES,
        "categories": CATEGORY_CHOICES,
        "priorities": PRIORITY_CHOICES,
    }


def may_urge(who: Visitor) -> bool:
    """Whether the visitor may record a repeated call as an urge: a supervisor records cases
    but does not urge, so a link to an urge form would open a case page without one."""
    return who.principal.role in declared("urge").roles


def _similar(
    rt: Runtime, who: Visitor, form: Typed, seen: list[tuple[str, str]] | None = None
) -> list[Any]:
    """`seen`: the visitor's communities, when the caller has them already."""
    community = form.values["community"]
    if not community:
        seen = communities_seen(rt, who) if seen is None else seen
        community = seen[0][0] if len(seen) == 1 else ""
    if not community or not who.principal.sees(community):
        return []
    category = form.values["category"] or None
    return similar_cases(
        rt.store, community, form.values["location"][:200], category, datetime.now(UTC),
        rt.numbers.numbers_of,
    )  # fmt: skip


def _page(
    request: Request,
    rt: Runtime,
    who: Visitor,
    form: Typed,
    seen: list[tuple[str, str]],
    status: int = 200,
) -> Response:
    context = {
        "user": who,
        "current": "new",
        "form": form,
        "communities": seen,
        "similar": _similar(rt, who, form, seen) if status != 200 else [],
        "may_urge": may_urge(who),
        **_choices(),
    }
    return render(request, "new_case.html", context, language=who.language, status=status)
