"""Intake: validate a new request and derive its id from the idempotency key."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from workflow import inputs, labels
from workflow.communities import DEFAULT_COMMUNITY
from workflow.errors import InvalidInput
from workflow.personal_data import Reporter
from workflow.vocabulary import CATEGORIES, DEFAULT_PRIORITY, PRIORITIES, Channel, Kind

# Ids derived from (channel, key) let the event store's uniqueness guarantee
# that one request becomes one case, whichever process saves it first.
IDEMPOTENCY_NAMESPACE = uuid5(NAMESPACE_URL, "https://propdesk.invalid/intake")

# Listed once: building these from the Enums on every request took a third of `validate`.
_KINDS = {k.value: k for k in Kind}
_CHANNELS = tuple(c.value for c in Channel)


@dataclass(frozen=True)
class NewRequest:
    """What an intake channel reports. Validated by `validate`."""

    kind: str
    channel: str
    location: str
    category: str
    description: str
    # 首问人: who first received it. None for a request its resident submitted (mini-program,
    # app, web form): the case is received unowned, and the first staff member to claim
    # it, or to act on it, owns it (Claimed).
    received_by: str | None
    priority: str | None = None
    reporter: Reporter | None = None
    received_at: datetime | str | None = None
    idempotency_key: str | None = None
    note: str | None = None
    details: dict[str, str] = field(default_factory=dict)
    late_reason: str | None = None  # why `received_at` lies this far back (docs/sla.md)
    # Where the key must be unique: None for the request's channel; a caller that gives keys
    # out otherwise names its scope as KIND:NAME (the HTTP API: token:NAME), which no
    # channel's name can be.
    idempotency_scope: str | None = None
    # The community's code; None where the deployment has one (workflow.communities).
    community: str | None = None


def case_id_for(scope: str, key: str) -> UUID:
    """The id of the case a key makes in its scope: a channel's name, or a caller's scope."""
    return uuid5(IDEMPOTENCY_NAMESPACE, f"{scope}\n{key}")


def key_scope(request: NewRequest, channel: str) -> str:
    """Where the request's key must be unique: the same key with any other request in the
    same scope is refused, whatever its channel."""
    return request.idempotency_scope or channel


def reporter_ref_for(case_id: UUID) -> str:
    return str(uuid5(case_id, "reporter"))


def validate(request: NewRequest) -> dict[str, Any]:
    """The Received event's fields (less id, reporter ref and stamp), normalised."""
    kind = _KINDS[inputs.choice("kind", request.kind, _KINDS)]
    channel = inputs.choice("channel", request.channel, _CHANNELS)
    location = labels.location(request.location)
    category = inputs.choice("category", request.category, CATEGORIES[kind])
    priority = request.priority or DEFAULT_PRIORITY[kind]
    if priority is None:
        raise InvalidInput(
            "priority", f"a {kind.value} needs a priority; allowed: {', '.join(PRIORITIES[kind])}"
        )
    priority = inputs.choice("priority", priority, PRIORITIES[kind])
    if request.reporter is not None:
        inputs.text("reporter.name", request.reporter.name, limit=100)
        inputs.text("reporter.phone", request.reporter.phone, limit=40, required=False)
    if request.idempotency_key is not None:
        inputs.text("idempotency_key", request.idempotency_key, limit=200)
    if len(request.details) > 50:
        raise InvalidInput("details", f"{len(request.details)} entries; at most 50 allowed")
    details = {
        inputs.text("details key", k, limit=100): inputs.text(
            f"details.{k}", v, limit=inputs.LONG_TEXT
        )
        for k, v in request.details.items()
    }
    return {
        "kind": kind.value,
        "channel": channel,
        "location": location,
        "area": inputs.area_of(location),
        "category": category,
        "priority": priority,
        "description": inputs.text("description", request.description, limit=inputs.LONG_TEXT),
        "received_by": None
        if request.received_by is None
        else labels.name("received_by", request.received_by),
        "details": details,
    }


def refuse_personal_numbers(request: NewRequest) -> None:
    """Refuses a validated request whose description or details hold a mobile or ID-card
    number (`inputs.free_text`; the note and late reason are judged where they are
    recorded). Apart from `validate`: a retry of a request recorded before such numbers
    were refused is still answered with its case."""
    inputs.refuse_personal_numbers("description", request.description)
    for key, value in request.details.items():
        inputs.refuse_personal_numbers("details key", key)
        inputs.refuse_personal_numbers(f"details.{key}", value)


def fingerprint(fields: dict[str, Any], request: NewRequest) -> str:
    """A digest of everything the request said, to tell a retry from a new request."""
    said = {
        **fields,
        "received_at": str(request.received_at) if request.received_at is not None else None,
        "note": request.note or "",
        "reporter": [request.reporter.name, request.reporter.phone] if request.reporter else None,
    }
    if said.get("community") == DEFAULT_COMMUNITY:
        # Left out for the default community: the digests of requests stored before cases
        # had communities stay the same, so that their retries are still recognised.
        del said["community"]
    if request.late_reason is not None:
        # Only when given: a request without one keeps the digest it had before late
        # reasons existed, so that its retries are still recognised.
        said["late_reason"] = request.late_reason
    encoded = json.dumps(said, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()
