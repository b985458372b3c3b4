"""A case named on the command line by its id or its number (工单号)."""

from __future__ import annotations

from datetime import datetime

from api.config.settings import Settings
from api.storage.case_numbers import CaseNumbers, open_case_numbers
from workflow.case import Case
from workflow.case_numbers import NUMBER_PATTERN
from workflow.errors import InvalidInput
from workflow.service import CaseService


def case_for(given: str, numbers: CaseNumbers) -> str:
    """The id of the case `given` names: its id, or its number (工单号)."""
    if not NUMBER_PATTERN.fullmatch(given.strip().upper()):
        return given
    found = numbers.case_of(given)
    if found is None:
        raise InvalidInput("case", f"no case has the number {given.strip().upper()}")
    return found


def named_case(
    settings: Settings, service: CaseService, given: str, moment: datetime | None = None
) -> tuple[Case, str | None]:
    """The case `given` names (id or number), now or as it stood at `moment`, and its
    number; an unknown case is refused with the domain's message."""
    numbers = open_case_numbers(settings)
    try:
        found = case_for(given, numbers)
        case = service.as_of(found, moment) if moment else service.get(found)
        return case, numbers.number_of(case.id)
    finally:
        numbers.close()
