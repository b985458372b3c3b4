"""What the console shows next to an input the domain refused.

Most refusals are shown as the domain words them, for the API's clients as much as for the
desk. A number that identifies a person, typed into free text, is met at the desk above
all (the resident is on the phone and gives it), so its refusal is in the visitor's
language: what was found, masked, and where the number goes instead.
"""

from __future__ import annotations

from api.console.i18n import N_
from api.console.rendering import translate
from workflow.errors import InvalidInput, PersonalNumberInText
from workflow.personal_numbers import ID_CARD, MOBILE

PERSONAL_NUMBER = N_(
    "This looks like %(what)s (%(masked)s). Personal data is not kept in a case's history: "
    "give the reporter's name and phone in the reporter fields, and leave the number out "
    "of this text."
)
WHAT = {MOBILE: N_("a mobile phone number"), ID_CARD: N_("a resident ID-card number")}


def field_problem(language: str, refused: InvalidInput) -> str:
    """The message to show next to the refused input."""
    if not isinstance(refused, PersonalNumberInText):
        return refused.problem
    what = translate(language, WHAT.get(refused.what, refused.what))
    return translate(language, PERSONAL_NUMBER) % {"what": what, "masked": refused.masked}
