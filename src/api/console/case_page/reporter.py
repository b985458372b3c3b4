"""The reporter as the case page shows them: masked for everyone who may open the page,
in full only once revealed (and logged); an erased record says so."""

from __future__ import annotations

from dataclasses import dataclass

from workflow.case import Case
from workflow.personal_data import ReporterRegistry

SHOWN_DIGITS = (3, 4)  # a phone keeps its first three and last four characters: 139****0001


@dataclass(frozen=True)
class ReporterShown:
    present: bool  # the case names a reporter at all
    erased: bool  # it names one whose record is gone (erased under PIPL)
    name: str
    phone: str
    revealed: bool


def masked_phone(phone: str | None) -> str:
    """`13900000001` → `139****0001`; one too short to keep seven characters is hidden whole."""
    if not phone:
        return ""
    head, tail = SHOWN_DIGITS
    if len(phone) < head + tail + 1:
        return "****"
    return phone[:head] + "****" + phone[-tail:]


def masked_name(name: str) -> str:
    """`王先生` → `王*`: the family name, enough to greet them, not to find them."""
    return name[:1] + "*" if name else ""


def reporter_shown(reporters: ReporterRegistry, case: Case, revealed: bool) -> ReporterShown:
    if case.reporter_ref is None:
        return ReporterShown(False, False, "", "", False)
    found = reporters.get(case.reporter_ref)
    if found is None:
        return ReporterShown(True, True, "", "", False)
    if revealed:
        return ReporterShown(True, False, found.name, found.phone or "", True)
    return ReporterShown(True, False, masked_name(found.name), masked_phone(found.phone), False)
