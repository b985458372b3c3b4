"""更正: what a correction of a case changes, judged before it is recorded.

Intake's location, category and description may be corrected while the case is open;
its kind and priority never (they choose its lifecycle and its service levels). A field
given with the value the case has already is not a correction: a form sends every field
as it stands, and only those changed are recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workflow import inputs, labels
from workflow.errors import InvalidInput
from workflow.vocabulary import CATEGORIES, Kind

if TYPE_CHECKING:
    from workflow.case import Case

CORRECTABLE = ("location", "category", "description")


def corrections(
    case: Case, location: str | None, category: str | None, description: str | None
) -> dict[str, str | None]:
    """The Amended event's fields less its reason: each field's corrected value and the
    value it replaces, both None where the field does not change."""
    given = {
        "location": None if location is None else labels.location(location),
        "category": None
        if category is None
        else inputs.choice(
            "category", inputs.text("category", category), CATEGORIES[Kind(case.kind)]
        ),
        "description": None
        if description is None
        else inputs.text("description", description, limit=inputs.LONG_TEXT),
    }
    fields: dict[str, str | None] = {}
    for name in CORRECTABLE:
        new, old = given[name], getattr(case, name)
        changed = new is not None and new != old
        if changed and name == "description":
            # Only a new description: one recorded before numbers were refused comes
            # back unchanged from a form that sends every field as it stands.
            inputs.refuse_personal_numbers(name, description or "")
        fields[name] = new if changed else None
        fields[f"previous_{name}"] = old if changed else None
    if all(fields[name] is None for name in CORRECTABLE):
        named = next((name for name in CORRECTABLE if given[name] is not None), None)
        if named is None:
            raise InvalidInput("location", "give a location, category or description to correct")
        raise InvalidInput(
            named, f"{given[named]!r} is what the case has already; nothing to correct"
        )
    return fields
