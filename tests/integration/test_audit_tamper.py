"""Tampering directly in the database, on both backends: `audit verify` names the first
position where the history differs and its case; a history rewritten consistently, its
stored checkpoints re-signed with a new key, is caught by a checkpoint kept outside."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from api.config.settings import Settings
from api.simulation.simulator import Scenario, simulate
from api.wiring import log_key, open_audit_tree, open_service
from projections.audit.notes import parse_note
from projections.audit.tree import AuditTree
from projections.audit.verify import Given, Verification, verify
from support.tampering import Tamperer


def settings_for(url: str, tmp_path: Path) -> Settings:
    return Settings.load({"PROPDESK_AUDIT_KEY": str(tmp_path / "audit-key.pem")}, db=url)


@pytest.fixture
def history(db: str, tmp_path: Path) -> Iterator[tuple[Settings, str]]:
    """A simulated history, all in the tree, with a checkpoint kept outside."""
    settings = settings_for(db, tmp_path)
    simulate(settings, Scenario(households=300, days=5, seed=5))
    tree = open_audit_tree(settings, open_service(settings))
    tree.follow()
    signed = tree.checkpoint_if_due(force=True) or tree.store.latest_checkpoint()
    assert signed is not None
    assert signed.size > 50
    kept = tmp_path / "kept-checkpoint.txt"
    kept.write_text(signed.note)
    yield settings, signed.note
    tree.app.close()


def verified(settings: Settings, kept: str | None = None) -> Verification:
    """A fresh process's view: the service, the tree taken up to the log's head, verify."""
    tree: AuditTree = open_audit_tree(settings, open_service(settings))
    tree.follow()
    key = log_key(settings)
    files = [] if kept is None else [Given("kept", parse_note(kept), [key])]
    try:
        return verify(tree.app, tree.store, key, files)
    finally:
        tree.app.close()


def test_an_untouched_history_verifies_against_its_stored_and_kept_checkpoints(
    history: tuple[Settings, str],
) -> None:
    settings, kept = history
    result = verified(settings, kept)
    assert result.ok, result.findings
    assert [c.verdict for c in result.checkpoints] == ["matches", "matches"]
    assert result.unchecked == 0


Tampering = Callable[[Tamperer, int], None]
TAMPERINGS: dict[str, tuple[Tampering, str]] = {
    "one event's bytes changed": (lambda t, p: t.change(p), "it was changed"),
    "one event deleted": (lambda t, p: t.delete(p), "missing from the log"),
    "a forged event inserted": (lambda t, p: t.insert_forged(p), "inserted, deleted or reordered"),
    "two events swapped": (lambda t, p: t.swap(p, p + 7), "inserted, deleted or reordered"),
}


@pytest.mark.parametrize("tampering", TAMPERINGS, ids=list(TAMPERINGS))
def test_a_tampered_event_is_named_by_its_position_and_case(
    history: tuple[Settings, str], tampering: str
) -> None:
    settings, kept = history
    size = parse_note(kept).checkpoint.size
    position = size // 2
    tamperer = Tamperer(settings.db)
    case_there = tamperer.event(position)[0]
    tamper, said = TAMPERINGS[tampering]
    tamper(tamperer, position)
    result = verified(settings, kept)
    assert not result.ok
    first = result.findings[0]
    assert (first.position, said) == (position, said)
    assert said in first.message
    assert first.case_id is not None
    assert first.case_id.replace("-", "") == case_there.replace("-", "")
    # Every checkpoint covering the position disagrees with the log as it is now.
    assert {c.verdict for c in result.checkpoints} != {"matches"}


def test_a_tail_truncated_after_a_checkpoint_is_reported_with_where_the_log_now_ends(
    history: tuple[Settings, str],
) -> None:
    settings, kept = history
    size = parse_note(kept).checkpoint.size
    Tamperer(settings.db).truncate_after(size - 10)
    result = verified(settings, kept)
    assert not result.ok
    assert f"the log ends at position {size - 10}" in result.findings[0].message
    assert result.findings[0].position == size - 9
    assert any(
        f"covers {size} events; the log holds only {size - 10}" in c.verdict
        for c in result.checkpoints
    )


def test_a_history_rewritten_consistently_with_a_new_key_is_caught_only_by_a_kept_checkpoint(
    history: tuple[Settings, str], tmp_path: Path
) -> None:
    settings, kept = history
    old_key = log_key(settings)
    Tamperer(settings.db).change(20)
    # The operator starts the audit tree afresh: its tables emptied, a new key, re-signed.
    tree = open_audit_tree(settings, open_service(settings))
    with tree.store._cursor(commit=True) as c:
        for table in ("audit_leaves", "audit_nodes", "audit_checkpoints"):
            c.execute(f"DELETE FROM {table}")
        c.execute(tree.store._sql(f"DELETE FROM {tree.store.tracking_table}"))
    tree.app.close()
    settings.audit_key_path.unlink()
    rewritten = open_audit_tree(settings, open_service(settings))
    rewritten.follow()  # the first round signs a checkpoint of the rewritten history
    assert rewritten.store.latest_checkpoint() is not None
    rewritten.app.close()
    assert log_key(settings) != old_key

    assert verified(settings).ok  # everything the database holds agrees with itself

    result = verified(settings, kept)
    assert not result.ok
    kept_verdict = next(c.verdict for c in result.checkpoints if c.source == "kept")
    assert "signature does not verify" in kept_verdict
    assert "do not hash to its root" in kept_verdict
