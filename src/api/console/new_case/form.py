"""The new-case form: its choices, and what was typed turned into the API's request body.

The body is checked by the API's own model (`NewRequestIn`) and recorded by the API's own
intake, so that a case recorded at the desk is the case the API would record: the agent
who sends the form receives it (首问人), and the form's idempotency key makes a second
sending of the same form (a double click, a browser retry) the same case.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from api.http.bodies import NewRequestIn
from api.http.handlers import field_message
from projections.calendar import SHANGHAI
from workflow.vocabulary import CATEGORIES, PRIORITIES, Channel, Kind

FIELDS = (
    "community", "kind", "channel", "category", "priority", "location", "description",
    "reporter_name", "reporter_phone", "occurred_at",
)  # fmt: skip
KEY_FIELD = "idempotency_key"
# Where the API's body puts what the form calls by another name.
WHERE = {("reporter", "name"): "reporter_name", ("reporter", "phone"): "reporter_phone",
         ("reporter",): "reporter_name", ("received_at",): "occurred_at"}  # fmt: skip
KIND_CHOICES = tuple(k.value for k in Kind)
CHANNEL_CHOICES = tuple(c.value for c in Channel)
CATEGORY_CHOICES = {k.value: v for k, v in CATEGORIES.items()}
PRIORITY_CHOICES = {k.value: v for k, v in PRIORITIES.items()}


@dataclass
class Typed:
    """The form as sent (or as first shown), with what was wrong with it."""

    values: dict[str, str]
    key: str
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None

    @property
    def kind(self) -> str:
        kind = self.values.get("kind", "")
        return kind if kind in KIND_CHOICES else Kind.REPAIR.value


def blank_form(communities: list[tuple[str, str]], now: datetime) -> Typed:
    values = {name: "" for name in FIELDS}
    values |= {"kind": Kind.REPAIR.value, "channel": Channel.PHONE.value, "priority": "normal"}
    values["occurred_at"] = now.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    if len(communities) == 1:
        values["community"] = communities[0][0]
    return Typed(values, key=str(uuid.uuid4()))


def typed(sent: Mapping[str, str]) -> Typed:
    values = {name: sent.get(name, "") for name in FIELDS}
    key = sent.get(KEY_FIELD, "")
    return Typed(values, key if 0 < len(key) <= 128 and key.isascii() else str(uuid.uuid4()))


def body_of(form: Typed) -> NewRequestIn | None:
    """The API's request body, or None with `form.errors` saying what was wrong."""
    v = form.values
    body: dict[str, Any] = {
        name: v[name]
        for name in ("kind", "channel", "category", "priority", "location", "description")
    }
    if v["community"]:
        body["community"] = v["community"]
    if v["reporter_name"].strip() or v["reporter_phone"].strip():
        body["reporter"] = {"name": v["reporter_name"].strip()}
        if v["reporter_phone"].strip():
            body["reporter"]["phone"] = v["reporter_phone"].strip()
    occurred = _occurred(v["occurred_at"])
    if occurred is None and v["occurred_at"].strip():
        form.errors["occurred_at"] = "a date and time, e.g. 2026-12-07T09:30"
        return None
    if occurred is not None:
        body["received_at"] = occurred
    try:
        return NewRequestIn.model_validate(body)
    except ValidationError as invalid:
        for problem in invalid.errors():
            where = tuple(str(p) for p in problem["loc"])
            name = WHERE.get(where, where[0] if where else "")
            form.errors.setdefault(name if name in FIELDS else "", field_message(dict(problem)))
        if "" in form.errors:
            form.message = form.errors.pop("")
        return None


def _occurred(text: str) -> str | None:
    """A datetime-local value (Asia/Shanghai, to the minute or second) as ISO 8601."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.isoformat()
