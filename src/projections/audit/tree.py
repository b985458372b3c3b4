"""Keeps the audit tree current: a tracked follower of the event log, like the read models.

Each page of events becomes leaves and completed subtrees, written in one transaction with
the log position they reach, so every event enters the tree exactly once. After a round
that grew the tree, a checkpoint is signed when the last is at least `interval` old.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cached_property
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from projections.audit.leaves import leaf_of
from projections.audit.merkle import RightEdge
from projections.audit.notes import Checkpoint, VerifierKey, default_origin, sign, verifier_key
from projections.audit.store import INSERT_LEAF, INSERT_NODE, AuditStore, StoredCheckpoint

PAGE_SIZE = 2000


class Signer:
    """Signs checkpoints with a key read (or created) when first needed."""

    def __init__(
        self,
        load_key: Callable[[], Ed25519PrivateKey],
        origin: str | None = None,
        interval_seconds: float = 60.0,
    ) -> None:
        self._load_key = load_key
        self._origin = origin
        self.interval_seconds = interval_seconds

    @cached_property
    def key(self) -> Ed25519PrivateKey:
        return self._load_key()

    @property
    def origin(self) -> str:
        """The log's name, also the key's name in signatures: named after the key unless
        the deployment names it."""
        return self._origin or default_origin(self.key)

    @property
    def verifier(self) -> VerifierKey:
        return verifier_key(self.origin, self.key)


class AuditTree:
    def __init__(
        self,
        app: Application[Any],
        store: AuditStore,
        signer: Signer | None = None,
        *,
        now: Callable[[], float] = time.time,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.app = app
        self.store = store
        self.signer = signer
        self.now = now
        self.page_size = page_size
        # What was last written, kept so that a round at the head asks the store nothing
        # beyond the log's next page.
        self._edge: RightEdge | None = None
        self._latest: StoredCheckpoint | None = None
        self._latest_known = False

    def forget(self) -> None:
        """Drop what is held in memory: it may be ahead of what was written."""
        self._edge = None
        self._latest_known = False

    def follow(self) -> int:
        """Catch up with the log, then sign a checkpoint if one is due; returns the events
        added. Another process adding the same page first is not an error: this one
        forgets its work and goes on from what was written."""
        try:
            added = self.catch_up()
        except IntegrityError:
            self.forget()
            return 0
        self.checkpoint_if_due()
        return added

    def catch_up(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Take in the log up to its head; `progress` gets (position, head) after each page."""
        added = 0
        while count := self.process_page():
            added += count
            if progress is not None:
                progress(self.store.position(), self.app.recorder.max_notification_id() or 0)
            if count < self.page_size:
                break
        return added

    def process_page(self) -> int:
        after = self.store.position()
        notes = self.app.recorder.select_notifications(
            start=after, limit=self.page_size, inclusive_of_start=False
        )
        if not notes:
            return 0
        edge = self._edge if self._edge is not None else self.store.right_edge()
        self._edge = None
        leaves, nodes = [], []
        for note in notes:
            leaf = leaf_of(
                note.id, note.originator_id, note.originator_version, note.topic, note.state
            )
            hashed = leaf.hash()
            leaves.append((edge.size, note.id, leaf.case_id, leaf.version, hashed))
            nodes.extend(edge.append(hashed))
        self.store.write([(INSERT_LEAF, leaves), (INSERT_NODE, nodes)], notes[-1].id)
        self._edge = edge  # only once written
        return len(notes)

    def checkpoint_if_due(self, *, force: bool = False) -> StoredCheckpoint | None:
        """Sign the tree as it stands when it grew since the last checkpoint and that one is
        at least the interval old (or `force`); returns the new checkpoint, if any."""
        if self.signer is None:
            return None
        if self._edge is None:
            self._edge = self.store.right_edge()
        edge = self._edge
        if not self._latest_known:
            self._latest, self._latest_known = self.store.latest_checkpoint(), True
        latest = self._latest
        if edge.size == 0 or (latest is not None and latest.size >= edge.size):
            return None
        now = self.now()
        recent = latest is not None and now - latest.signed_at / 1e6 < self.signer.interval_seconds
        if recent and not force:
            return None
        checkpoint = Checkpoint(self.signer.origin, edge.size, edge.root())
        stored = StoredCheckpoint(
            edge.size,
            checkpoint.root,
            sign(checkpoint, self.signer.origin, self.signer.key),
            int(now * 1e6),
        )
        self.store.add_checkpoint(stored)
        self._latest = stored
        return stored
