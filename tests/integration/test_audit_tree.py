"""The audit tree follows the log exactly once, beside the read models, and signs a
checkpoint at most every interval while events arrive (a simulated clock)."""

from __future__ import annotations

import threading
from pathlib import Path

from api.config.settings import Settings
from api.simulation.simulator import Scenario, simulate
from api.wiring import open_audit_tree, open_follower, open_service
from projections.audit.merkle import RightEdge
from projections.audit.notes import parse_note
from projections.audit.tree import AuditTree
from support.driver import new_request


def settings_for(db: str, tmp_path: Path, seconds: float = 60) -> Settings:
    env = {
        "PROPDESK_AUDIT_KEY": str(tmp_path / "key.pem"),
        "PROPDESK_AUDIT_CHECKPOINT_SECONDS": str(seconds),
    }
    return Settings.load(env, db=db)


def test_every_event_enters_the_tree_once_in_log_order_with_its_position(
    db: str, tmp_path: Path
) -> None:
    settings = settings_for(db, tmp_path)
    simulate(settings, Scenario(households=100, days=3, seed=2))
    service = open_service(settings)
    tree = open_audit_tree(settings, service)
    tree.page_size = 37  # many pages, so that subtrees complete across page boundaries
    head = service.recorder.max_notification_id() or 0
    assert tree.catch_up() == head
    assert tree.catch_up() == 0
    again = open_audit_tree(settings, service)  # another process, from the recorded position
    assert again.catch_up() == 0
    rows = tree.store.query("SELECT leaf, position FROM audit_leaves ORDER BY leaf")
    assert [(r["leaf"], r["position"]) for r in rows] == [(i, i + 1) for i in range(head)]
    # The stored right edge is the root of the leaves as RFC 9162 computes it.
    edge = RightEdge()
    for row in tree.store.query("SELECT hash FROM audit_leaves ORDER BY leaf"):
        edge.append(bytes(row["hash"]))
    assert tree.store.right_edge().root() == edge.root()
    service.close()


def test_a_checkpoint_is_signed_at_most_every_interval_while_events_arrive(
    db: str, tmp_path: Path
) -> None:
    settings = settings_for(db, tmp_path, seconds=60)
    service = open_service(settings)
    now = [1_000_000.0]
    store = open_audit_tree(settings, service).store
    tree = AuditTree(service, store, open_audit_tree(settings, service).signer, now=lambda: now[0])
    assert tree.follow() == 0
    assert store.checkpoints() == []  # nothing to sign in an empty log

    service.receive(new_request("repair"))
    assert tree.follow() == 1
    first = store.checkpoints()
    assert [c.size for c in first] == [1]

    service.receive(new_request("repair"))
    now[0] += 59
    tree.follow()
    assert [c.size for c in store.checkpoints()] == [1]  # too soon

    now[0] += 1
    tree.follow()
    assert [c.size for c in store.checkpoints()] == [1, 2]

    now[0] += 3600
    tree.follow()  # nothing new: nothing to sign
    assert [c.size for c in store.checkpoints()] == [1, 2]
    note = parse_note(store.checkpoints()[-1].note)
    assert note.signed_by(tree.signer.verifier)  # type: ignore[union-attr]
    assert note.checkpoint.size == 2
    service.close()


def test_the_follower_of_the_read_models_keeps_the_tree_and_signs_as_it_runs(
    db: str, tmp_path: Path
) -> None:
    settings = settings_for(db, tmp_path, seconds=0)
    follower = open_follower(settings, settings.policy, audit=True)
    stop = threading.Event()
    running = threading.Thread(target=follower.run, args=(stop, 0.02))
    running.start()
    try:
        for _ in range(3):
            follower.app.receive(new_request("repair"))
        tree = follower.companions[0]
        assert isinstance(tree, AuditTree)
        deadline = threading.Event()
        for _ in range(250):
            latest = tree.store.latest_checkpoint()
            if latest is not None and latest.size == 3 and follower.store.position() == 3:
                break
            deadline.wait(0.02)
        assert latest is not None
        assert latest.size == 3
    finally:
        stop.set()
        running.join()
    assert follower.store.position() == 3
    assert latest.root == tree.store.right_edge().root()  # it signed the tree it wrote
    follower.app.close()


def test_a_page_another_process_wrote_first_is_skipped_and_the_tree_stays_whole(
    db: str, tmp_path: Path
) -> None:
    settings = settings_for(db, tmp_path)
    service = open_service(settings)
    for _ in range(5):
        service.receive(new_request("repair"))
    first, second = open_audit_tree(settings, service), open_audit_tree(settings, service)
    assert second.store.position() == 0  # it looked before the first wrote
    stale = second.store.position
    assert first.catch_up() == 5
    second.store.position = lambda: 0  # type: ignore[method-assign]
    assert second.follow() == 0  # its write of the same page is refused, nothing written
    second.store.position = stale  # type: ignore[method-assign]
    service.receive(new_request("repair"))
    assert second.follow() == 1
    edge = RightEdge()
    for row in first.store.query("SELECT hash FROM audit_leaves ORDER BY leaf"):
        edge.append(bytes(row["hash"]))
    assert edge.size == 6
    assert second.store.right_edge().root() == edge.root()
    service.close()
