"""Live, incremental read models equal a rebuild from scratch, whatever the history."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.config.settings import Settings
from api.wiring import open_follower, open_service
from projections.follower import Follower
from support.driver import ALL_COMMANDS, receive, run, variants
from support.dumps import dump
from workflow.errors import DomainError
from workflow.service import CaseService

KINDS = ("repair", "complaint", "renovation")


def drive(app: CaseService, follower_of: Any, data: st.DataObject) -> Follower:
    """Random intake and commands, catching the read models up at random moments
    with small pages and now and then a freshly started follower."""
    follower: Follower = follower_of()
    cases = [receive(app, data.draw(st.sampled_from(KINDS)))]
    for _ in range(data.draw(st.integers(5, 40))):
        action = data.draw(
            st.sampled_from(["receive", "command", "command", "command", "catch_up", "restart"])
        )
        if action == "receive":
            cases.append(receive(app, data.draw(st.sampled_from(KINDS))))
        elif action == "catch_up":
            follower.page_size = data.draw(st.integers(1, 7))
            follower.catch_up()
        elif action == "restart":
            follower = follower_of()
        else:
            case_id = data.draw(st.sampled_from(cases))
            command = data.draw(st.sampled_from(ALL_COMMANDS))
            choices = variants(app, case_id, command)
            # Rejected commands write nothing; the lifecycle matrix checks them.
            with contextlib.suppress(DomainError):
                run(app, case_id, command, data.draw(st.sampled_from(choices)))
    follower.catch_up()
    return follower


def check_equal_to_rebuild(app: CaseService, follower: Follower, data: st.DataObject) -> None:
    live = dump(follower.store)
    for row in live["rm_case_index"]:
        case = app.get(row["case_id"])
        assert (
            row["state"],
            row["held_from"],
            row["owner"],
            row["assignee"],
            row["version"],
        ) == (case.state, case.held_from, case.owner, case.assignee, case.version)
    # Small pages, chunks and caches reach every path a rebuild of millions of events takes:
    # page writes, open cases waiting for a later page, and cases dropped from the cache.
    follower.rebuild_page_size = data.draw(st.integers(1, 30), label="rebuild page")
    follower.rebuild_chunk = data.draw(st.integers(1, 10), label="rebuild chunk")
    follower.cache_size = data.draw(st.sampled_from([1, 3, 1000]), label="cache")
    follower.rebuild()
    assert dump(follower.store) == live


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_incremental_read_models_equal_a_rebuild_on_sqlite(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings_ = Settings.load({}, db=str(Path(folder) / "p.db"))
        app = open_service(settings_)
        follower = drive(app, lambda: open_follower(settings_, settings_.policy, app), data)
        check_equal_to_rebuild(app, follower, data)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_incremental_read_models_equal_a_rebuild_on_postgresql(data: st.DataObject) -> None:
    from support.backends import fresh_postgres

    with fresh_postgres() as url:
        settings_ = Settings.load({}, db=url)
        app = open_service(settings_)
        follower = drive(app, lambda: open_follower(settings_, settings_.policy, app), data)
        check_equal_to_rebuild(app, follower, data)
        app.close()
