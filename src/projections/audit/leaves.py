"""What a leaf of the audit tree is: one stored event, in log order, as canonical bytes.

Everything the event store keeps of an event is in it (its position in the log, the case,
the case's version, the topic and the stored state, byte for byte), so a change to any of
them changes the leaf. Reporters' personal data is kept apart from the events and never
enters the tree, so erasing it leaves the tree intact (docs/audit.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from projections.audit.merkle import leaf_hash

LEAF_FORMAT = b"propdesk-event/1\n"


@dataclass(frozen=True)
class Leaf:
    position: int
    case_id: str  # the canonical form: lower case, with hyphens
    version: int
    topic: str
    state: bytes

    def data(self) -> bytes:
        head = f"{self.position}\n{self.case_id}\n{self.version}\n{self.topic}\n"
        return LEAF_FORMAT + head.encode() + self.state

    def hash(self) -> bytes:
        return leaf_hash(self.data())


def leaf_of(position: int, originator_id: object, version: int, topic: str, state: bytes) -> Leaf:
    """A leaf from a stored event as the recorder returns it (an id as UUID or text)."""
    case_id = str(originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id)))
    return Leaf(position, case_id, version, topic, bytes(state))
