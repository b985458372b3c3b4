"""`propdesk audit verify`: recompute the audit tree from the stored events and compare it
with the tree as it was recorded, with every stored checkpoint and with checkpoints kept
elsewhere. Names the first position where the history differs and the case it belongs to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import Application

from projections.audit.leaves import Leaf, leaf_of
from projections.audit.merkle import ProofError, RightEdge, consistency_proof, verify_consistency
from projections.audit.notes import SignedCheckpoint, VerifierKey, parse_note
from projections.audit.store import AuditStore

READ_PAGE = 10_000
Progress = Callable[[int, int], None]  # (position reached, head of the log)


@dataclass(frozen=True)
class Finding:
    message: str
    position: int | None = None
    case_id: str | None = None


@dataclass(frozen=True)
class CheckedCheckpoint:
    source: str  # "stored" or the file it came from
    size: int
    verdict: str  # "matches" or what is wrong


@dataclass
class Verification:
    events: int = 0
    tree_size: int = 0
    findings: list[Finding] = field(default_factory=list)
    checkpoints: list[CheckedCheckpoint] = field(default_factory=list)
    unchecked: int = 0  # events after the latest checkpoint
    unchecked_from: int | None = None  # the first of them

    @property
    def ok(self) -> bool:
        return not self.findings


@dataclass(frozen=True)
class Given:
    """A checkpoint to check: one stored, or one from a file kept outside."""

    source: str
    note: SignedCheckpoint
    keys: Sequence[VerifierKey]


def _events(app: Application[Any]) -> Iterator[Leaf]:
    after = 0
    while notes := app.recorder.select_notifications(
        start=after, limit=READ_PAGE, inclusive_of_start=False
    ):
        for n in notes:
            yield leaf_of(n.id, n.originator_id, n.originator_version, n.topic, n.state)
        after = notes[-1].id


def verify(
    app: Application[Any],
    store: AuditStore,
    key: VerifierKey | None,
    files: Sequence[Given] = (),
    progress: Progress | None = None,
) -> Verification:
    result = Verification()
    stored = [
        Given("stored", parse_note(c.note), [key] if key else []) for c in store.checkpoints()
    ]
    given = [*stored, *files]
    wanted: dict[int, list[Given]] = {}
    for item in given:
        wanted.setdefault(item.note.checkpoint.size, []).append(item)
    head = app.recorder.max_notification_id() or 0
    edge = RightEdge()
    recorded = store.stream(
        "SELECT leaf, position, case_id, version, hash FROM audit_leaves ORDER BY leaf"
    )
    in_step = True  # the tree as recorded agrees with the events so far
    last_position = 0
    latest = max((item.note.checkpoint.size for item in stored), default=0)
    for leaf in _events(app):
        if in_step:
            in_step = _compare(leaf, next(recorded, None), result)
        edge.append(leaf.hash())
        last_position = leaf.position
        if edge.size == latest + 1:
            result.unchecked_from = leaf.position
        for item in wanted.pop(edge.size, []):
            _check_root(item, edge, result)
        if progress is not None and edge.size % READ_PAGE == 0:
            progress(leaf.position, head)
    result.events = edge.size
    if in_step and (extra := next(recorded, None)) is not None:
        result.findings.append(
            Finding(
                f"the log ends at position {last_position}, but the tree holds events from "
                f"position {extra['position']} on (case {extra['case_id']}): they were "
                "removed from the log",
                int(extra["position"]),
                str(extra["case_id"]),
            )
        )
    for size, items in sorted(wanted.items()):
        for item in items:
            verdict = f"covers {size} events; the log holds only {edge.size}"
            result.checkpoints.append(CheckedCheckpoint(item.source, size, verdict))
            result.findings.append(Finding(f"{item.source} checkpoint {verdict}"))
    _check_consistency(store, given, result)
    result.tree_size = store.size()
    result.unchecked = max(0, edge.size - latest)
    result.checkpoints.sort(key=lambda c: (c.size, c.source))
    return result


def _compare(leaf: Leaf, row: Mapping[str, Any] | None, result: Verification) -> bool:
    """Compare an event with the leaf the tree recorded at its place; False at the first
    difference, which is the one reported (every later one follows from it)."""
    if row is None:
        return False  # the follower has not reached this event yet: not a difference
    position, case_id = int(row["position"]), str(row["case_id"])
    if position == leaf.position and bytes(row["hash"]) == leaf.hash():
        return True
    if position == leaf.position and (case_id, int(row["version"])) == (leaf.case_id, leaf.version):
        message = (
            f"the event at position {position} (case {leaf.case_id}, version {leaf.version}) "
            "is not the event the tree recorded there: it was changed"
        )
        result.findings.append(Finding(message, position, leaf.case_id))
    elif position == leaf.position:
        message = (
            f"the event at position {position} is version {leaf.version} of case "
            f"{leaf.case_id}, but the tree recorded version {row['version']} of case {case_id} "
            "there: events were inserted, deleted or reordered from here"
        )
        result.findings.append(Finding(message, position, case_id))
    elif position < leaf.position:
        message = (
            f"the event at position {position} (case {case_id}, version {row['version']}) "
            "is missing from the log: it was deleted or moved"
        )
        result.findings.append(Finding(message, position, case_id))
    else:
        message = (
            f"the event at position {leaf.position} (case {leaf.case_id}, version "
            f"{leaf.version}) is not in the tree, which continues at position {position}: "
            "it was inserted"
        )
        result.findings.append(Finding(message, leaf.position, leaf.case_id))
    return False


def _check_root(item: Given, edge: RightEdge, result: Verification) -> None:
    checkpoint = item.note.checkpoint
    problems = []
    if not item.keys:
        problems.append("there is no key to check its signature with (give the log's key)")
    elif not any(item.note.signed_by(key) for key in item.keys):
        names = ", ".join(k.text() for k in item.keys)
        problems.append(f"its signature does not verify with {names}")
    if checkpoint.root != edge.root():
        problems.append(f"the log's first {edge.size} events do not hash to its root")
    verdict = "; ".join(problems) or "matches"
    result.checkpoints.append(CheckedCheckpoint(item.source, checkpoint.size, verdict))
    if problems:
        result.findings.append(Finding(f"{item.source} checkpoint of size {edge.size}: {verdict}"))


def _check_consistency(store: AuditStore, given: list[Given], result: Verification) -> None:
    """A consistency proof, from the tree as stored, between every checkpoint kept outside
    and the latest stored one: the log only ever grew from each of them to it. Stored
    checkpoints need none: each was compared with the root recomputed at its size, and
    there is one a minute while events arrive."""
    stored = [g for g in given if g.source == "stored"]
    if not stored:
        return
    latest = max(stored, key=lambda g: g.note.checkpoint.size).note.checkpoint
    for item in (g for g in given if g.source != "stored"):
        old = item.note.checkpoint
        if old.size == 0 or old.size > latest.size or old == latest:
            continue
        try:
            proof = consistency_proof(old.size, latest.size, store.nodes)
            verify_consistency(old.size, latest.size, old.root, latest.root, proof)
        except (ProofError, LookupError) as error:
            result.findings.append(
                Finding(
                    f"{item.source} checkpoint of size {old.size} is not a prefix of the latest "
                    f"stored checkpoint of size {latest.size}: {error}"
                )
            )
