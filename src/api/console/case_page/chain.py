"""The first-contact chain (首问负责制): who received the case (no one for a self-service
request, until a staff member claims it), then every handover of its ownership, with the
reason given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from api.console.case_page.replay import Version
from workflow.events import Claimed, HandedOver


@dataclass(frozen=True)
class Handover:
    previous_owner: str
    to: str
    reason: str
    occurred_at: datetime
    actor: str


@dataclass(frozen=True)
class Claim:
    by: str
    occurred_at: datetime


@dataclass(frozen=True)
class FirstContact:
    receiver: str | None  # None: received unowned, from a resident's own request
    received_at: datetime
    handovers: tuple[Handover, ...]
    claim: Claim | None = None

    @property
    def owner(self) -> str | None:
        if self.handovers:
            return self.handovers[-1].to
        return self.claim.by if self.claim else self.receiver


def first_contact(versions: list[Version]) -> FirstContact:
    first = versions[0].entry
    handovers = tuple(
        Handover(e.previous_owner, e.to, e.reason, e.occurred_at, e.actor)
        for e in (v.event for v in versions)
        if isinstance(e, HandedOver)
    )
    claims = [Claim(e.actor, e.occurred_at) for e in (v.event for v in versions)
              if isinstance(e, Claimed)]  # fmt: skip
    claim = claims[0] if claims else None
    return FirstContact(first.data["received_by"], first.occurred_at, handovers, claim)
