"""A case named on the command line by its id or its number (工单号)."""

from __future__ import annotations

from api.storage.case_numbers import CaseNumbers
from workflow.case_numbers import NUMBER_PATTERN
from workflow.errors import InvalidInput


def case_for(given: str, numbers: CaseNumbers) -> str:
    """The id of the case `given` names: its id, or its number (工单号)."""
    if not NUMBER_PATTERN.fullmatch(given.strip().upper()):
        return given
    found = numbers.case_of(given)
    if found is None:
        raise InvalidInput("case", f"no case has the number {given.strip().upper()}")
    return found
