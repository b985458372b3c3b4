"""A policy file's validation errors as the person editing it reads them.

"milestone 2 (repair/normal dispatch): `stop` must name at least one signal": the place
(milestones and supplied years numbered from 1, as they appear in the file), the field,
what is wrong and what is allowed, without the validation library's wording.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

# What one item of a list field is called: "`stop` signal 2".
_ITEM = {"stop": "signal", "holidays": "date", "workdays": "date"}
_LITERAL_NOUN = {"start": "a signal", "stop": "a signal"}
_QUOTED = re.compile(r"'([^']*)'")


def milestone_place(index: int, fields: object) -> str:
    """`milestone 2 (repair/normal dispatch)` for the milestone at `index` (from 0)."""
    found = fields if isinstance(fields, Mapping) else {}
    scope = "/".join(str(found[k]) for k in ("kind", "priority") if found.get(k) is not None)
    label = " ".join(part for part in (scope, str(found.get("name") or "")) if part)
    return f"milestone {index + 1}" + (f" ({label})" if label else "")


def describe(
    error: ValidationError, raw: Mapping[str, Any], fields: Mapping[str, Sequence[str]]
) -> list[str]:
    """One sentence per problem. `fields` names each table's fields, by table: "policy",
    "milestone", "calendar" and "year"."""
    return [
        _sentence(problem, raw, fields)
        for problem in error.errors(include_url=False)
        if not _follows_from_items(problem)
    ]


def _follows_from_items(problem: ErrorDetails) -> bool:
    """A list left too short only because its items were refused, which are reported."""
    given = problem.get("input")
    return problem["type"] == "too_short" and isinstance(given, list | tuple) and len(given) > 0


def _sentence(
    problem: ErrorDetails, raw: Mapping[str, Any], fields: Mapping[str, Sequence[str]]
) -> str:
    loc = list(problem["loc"])
    place, table = "", "policy"
    if loc[:1] == ["milestone"] and len(loc) > 1 and isinstance(loc[1], int):
        place, table = milestone_place(loc[1], _item(raw.get("milestone"), loc[1])), "milestone"
        loc = loc[2:]
    elif loc[:2] == ["calendar", "years"] and len(loc) > 2 and isinstance(loc[2], int):
        calendar = raw.get("calendar")
        years = calendar.get("years") if isinstance(calendar, Mapping) else None
        year = _item(years, loc[2])
        number = year.get("year") if isinstance(year, Mapping) else None
        place = f"calendar year {loc[2] + 1}" + (f" ({number})" if number is not None else "")
        table, loc = "year", loc[3:]
    elif loc[:1] == ["calendar"] and len(loc) > 1:
        place, table, loc = "calendar", "calendar", loc[1:]
    what = _what(problem, loc, table, fields[table])
    return f"{place}: {what}" if place else what


def _item(items: object, index: int) -> object:
    return items[index] if isinstance(items, list) and index < len(items) else None


def _what(
    problem: ErrorDetails, loc: list[int | str], table: str, allowed_fields: Sequence[str]
) -> str:
    kind = problem["type"]
    context = problem.get("ctx") or {}
    if not loc:
        if kind == "value_error":
            return str(context.get("error", problem["msg"]))
        return f"must be a table of {', '.join(allowed_fields)}"
    field = str(loc[0])
    index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    if field == "milestone" and kind in ("missing", "too_short"):
        return "no [[milestone]] tables; a policy needs at least one"
    if field == "milestone" and kind == "value_error":  # names its milestones itself
        return str(context.get("error", problem["msg"]))
    if field == "milestone" and kind.endswith("_type"):
        return "`milestone` must be [[milestone]] tables"
    name = f"`{field}`" + (f" {_ITEM.get(field, 'item')} {index + 1}" if index is not None else "")
    given = problem.get("input")
    if kind == "missing":
        return f"{name} is required"
    if kind == "extra_forbidden":
        where = "calendar year" if table == "year" else table
        return f"{name} is not a {where} field; allowed: {', '.join(allowed_fields)}"
    if kind == "literal_error":
        choices = ", ".join(_QUOTED.findall(str(context.get("expected", ""))))
        noun = _LITERAL_NOUN.get(field)
        verdict = f"is not {noun}" if noun else "is not allowed"
        return f"{name} {given!r} {verdict}; allowed: {choices}"
    if kind == "too_short" and field == "stop":
        return f"{name} must name at least one signal"
    if kind == "too_short":
        return f"{name} must have at least {context.get('min_length', 1)} item(s)"
    if kind == "value_error":
        return f"{name} {context.get('error', problem['msg'])}"
    return f"{name} {_expected(kind)}"


def _expected(kind: str) -> str:
    if kind.startswith("bool"):
        return "must be true or false"
    if kind.startswith(("date", "datetime")):
        return "must be a date such as 2026-01-01"
    if kind.startswith("time"):
        return "must be a time such as 08:30"
    if kind.startswith("int"):
        return "must be a whole number"
    if kind.startswith("string"):
        return "must be text in quotes"
    if kind.startswith(("tuple", "list")):
        return "must be a list in brackets"
    return "has a value that cannot be used"
