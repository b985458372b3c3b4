"""Intake over HTTP: who received a request, and an idempotency key per token."""

from __future__ import annotations

from api.http.bodies import NewRequestIn
from api.http.problems import ApiProblem
from api.tokens import Principal, Role
from workflow.intake import NewRequest
from workflow.personal_data import Reporter


def new_request(body: NewRequestIn, who: Principal, idempotency_key: str | None) -> NewRequest:
    """A channel token must send a key and say who received the request (首问人);
    a staff token receives it itself."""
    if who.role is Role.CHANNEL:
        if idempotency_key is None:
            raise ApiProblem(
                400,
                "idempotency-key-required",
                "Idempotency-Key required",
                "a channel token must send an Idempotency-Key header, unique per request, "
                "and the same key on every retry",
            )
        if body.received_by is None:
            raise ApiProblem(
                422,
                "invalid-input",
                "Invalid input",
                "body.received_by: a channel token must say who first received the request",
            )
        received_by = body.received_by
    else:
        if body.received_by not in (None, who.name):
            raise ApiProblem(
                422,
                "invalid-input",
                "Invalid input",
                f"body.received_by: a {who.role.value} token receives the request itself; "
                f"omit received_by or send {who.name!r}",
            )
        received_by = who.name
    return NewRequest(
        kind=body.kind.value,
        channel=body.channel.value,
        location=body.location,
        category=body.category,
        description=body.description,
        received_by=received_by,
        priority=body.priority,
        reporter=Reporter(body.reporter.name, body.reporter.phone) if body.reporter else None,
        received_at=body.received_at,
        # Scoped by the token, so that two integrations' keys never meet.
        idempotency_key=f"{who.name}:{idempotency_key}" if idempotency_key else None,
        note=body.note,
        details=body.details,
    )
