"""Erasing a reporter's personal data leaves the verifiable history intact: the record
never entered the tree, and the erasure is one more event in it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from api.cli.main import app
from api.config.settings import Settings
from api.wiring import log_key, open_audit_tree, open_follower, open_service
from projections.audit.notes import parse_note
from projections.audit.verify import Given, verify
from support.driver import new_request
from workflow.personal_data import Reporter

PHONE = "13912345678"


def test_after_an_erasure_the_history_verifies_against_a_checkpoint_kept_from_before(
    db: str, tmp_path: Path
) -> None:
    settings = Settings.load({}, db=db)
    service = open_service(settings)
    case = service.receive(new_request("repair", reporter=Reporter("李女士", PHONE))).case
    service.receive(new_request("complaint"))
    tree = open_audit_tree(settings, service)
    tree.follow()
    kept = tree.store.latest_checkpoint()
    assert kept is not None
    open_follower(settings, settings.policy, service).catch_up()  # phone search needs it

    erased = CliRunner().invoke(app, ["reporters", "erase", "--phone", PHONE, "--db", db])
    assert erased.exit_code == 0, erased.output
    assert service.reporters.get(str(case.reporter_ref)) is None

    tree.follow()
    key = log_key(settings)
    result = verify(service, tree.store, key, [Given("kept", parse_note(kept.note), [key])])
    assert result.ok, result.findings
    assert result.events == kept.size + 1  # the erasure, recorded
    topics = [e.topic for e in service.recorder.select_events(case.id)]
    assert topics[-1] == "propdesk.case.reporter_erased"
    service.close()
