"""The domain's codes the console shows by their labels, each vocabulary a gettext context.

Enumerated from the domain itself, so that a state, command or event added there without
a label in both catalogues fails the catalogue test rather than showing its code.
"""

from __future__ import annotations

from collections.abc import Callable

from projections.notices.kinds import NOTICE_TYPES
from projections.policy import Policy
from workflow.declared import COMMANDS
from workflow.events import CASE_EVENTS
from workflow.lifecycles import LIFECYCLES
from workflow.roles import Role
from workflow.vocabulary import CATEGORIES, PRIORITIES, CallbackOutcome, Channel, Kind

MILESTONE_STATUSES = ("met", "breached", "pending", "paused", "not_started", "excluded")


def vocabularies(policies: tuple[Policy, ...]) -> dict[str, tuple[str, ...]]:
    """Every context and its codes; milestones are the given policies' names."""

    def unique(values: object) -> tuple[str, ...]:
        return tuple(dict.fromkeys(str(v) for v in values))  # type: ignore[attr-defined]

    return {
        "kind": unique(Kind),
        "state": unique(s for lc in LIFECYCLES.values() for s in lc.states),
        "command": unique(c for lc in LIFECYCLES.values() for c in lc.commands),
        "event": unique(e.TOPIC for e in CASE_EVENTS),
        "category": unique(c for codes in CATEGORIES.values() for c in codes),
        "priority": unique(p for codes in PRIORITIES.values() for p in codes),
        "channel": unique(Channel),
        "outcome": unique(CallbackOutcome),
        "role": unique(Role),
        "milestone": unique(m.name for p in policies for m in p.milestones),
        "status": MILESTONE_STATUSES,
        "notice": NOTICE_TYPES,
        "field": unique(f.name for c in COMMANDS for f in c.inputs.fields),
    }


def labeller(pgettext: Callable[[str, str], str]) -> Callable[[str, object], str]:
    """`label(context, code)`: the code's label; the code itself when it has none."""

    def label(context: str, code: object) -> str:
        if code is None or code == "":
            return ""
        return pgettext(context, str(code))

    return label
