"""The first-contact chain (首问负责制): who received the case, then every handover of its
ownership, with the reason given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from api.console.case_page.replay import Version
from workflow.events import HandedOver


@dataclass(frozen=True)
class Handover:
    previous_owner: str
    to: str
    reason: str
    occurred_at: datetime
    actor: str


@dataclass(frozen=True)
class FirstContact:
    receiver: str
    received_at: datetime
    handovers: tuple[Handover, ...]

    @property
    def owner(self) -> str:
        return self.handovers[-1].to if self.handovers else self.receiver


def first_contact(versions: list[Version]) -> FirstContact:
    first = versions[0].entry
    handovers = tuple(
        Handover(e.previous_owner, e.to, e.reason, e.occurred_at, e.actor)
        for e in (v.event for v in versions)
        if isinstance(e, HandedOver)
    )
    return FirstContact(first.data["received_by"], first.occurred_at, handovers)
