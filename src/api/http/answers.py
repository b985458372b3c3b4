"""What a case answer carries: the body for the caller, and its headers."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from api.http import models, views
from api.http.reading import Loaded, load, reporter_for
from api.http.runtime import Runtime
from api.storage.tokens import Principal

CASE_HEADERS = {
    "ETag": {"description": "the case version, quoted", "schema": {"type": "string"}},
}
WRITE_HEADERS = {
    **CASE_HEADERS,
    "X-Event-Position": {
        "description": "the log position of the write's last event (for a repeated intake, "
        "the head of the log); pass it as `min_position` to read your own writes",
        "schema": {"type": "string"},
    },
}


def case_headers(response: Response, case: models.Case, position: int | None = None) -> None:
    response.headers["ETag"] = f'"{case.version}"'
    if position is not None:
        response.headers["X-Event-Position"] = str(position)


def case_view(
    rt: Runtime, who: Principal, case_id: Any, loaded: Loaded | None = None
) -> models.Case:
    """The case as an answer; `loaded` spares reading back what the caller already holds."""
    loaded = loaded or load(rt, case_id)
    return views.case_body(
        loaded.case,
        loaded.events,
        rt.policy,
        rt.calendar,
        reporter=reporter_for(rt, who, loaded.case),
        number=rt.numbers.number_of(loaded.case.id),
    )
