"""Console sessions kept on the server, and the throttling of failed logins: logging out, a
new password and disabling an account end sessions at once; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from api.config.settings import Settings
from api.storage.own_tables import open_side_database
from api.storage.tokens import Principal, Role
from api.storage.users import Session, UserError, UserStore, open_users

PASSWORD = "correct horse battery"
T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
IDLE = timedelta(minutes=30)


@pytest.fixture
def users(settings: Settings) -> Iterator[UserStore]:
    store = open_users(settings)
    store.add("desk-zhang", Role.AGENT, {"sunny-garden"}, PASSWORD)
    store.add("sup-li", Role.SUPERVISOR, None, PASSWORD)
    yield store
    store.close()


def live(users: UserStore, session_id: str, at: datetime = T0) -> Session:
    found = users.session(session_id, at, IDLE)
    assert found is not None
    return found


def test_a_session_names_its_user_and_carries_its_csrf_token_and_language(
    users: UserStore,
) -> None:
    session_id, csrf = users.open_session("desk-zhang", T0, "zh-CN")
    assert len(session_id) == len(csrf) == 43
    assert session_id != csrf
    found = live(users, session_id, T0 + timedelta(minutes=1))
    assert found == Session(
        Principal("desk-zhang", Role.AGENT, frozenset({"sunny-garden"})), csrf, "zh-CN", T0
    )
    users.set_lang(session_id, "en")
    assert live(users, session_id).lang == "en"
    assert users.session("an unknown id", T0, IDLE) is None
    assert users.session("", T0, IDLE) is None
    assert users.session("x" * 10_000, T0, IDLE) is None


def test_only_a_hash_of_the_session_id_is_stored(users: UserStore, settings: Settings) -> None:
    session_id, _ = users.open_session("desk-zhang", T0)
    db = open_side_database(settings)
    try:
        rows = db.run("SELECT * FROM propdesk_sessions")[1]
    finally:
        db.close()
    assert len(rows) == 1
    assert session_id not in repr(rows)


def test_a_session_ends_when_idle_longer_than_the_limit_and_each_use_keeps_it_alive(
    users: UserStore,
) -> None:
    session_id, _ = users.open_session("desk-zhang", T0)
    for minutes in (29, 58, 87):  # each use moves its last use on
        live(users, session_id, T0 + timedelta(minutes=minutes))
    assert users.session(session_id, T0 + timedelta(minutes=87) + IDLE, IDLE) is not None
    late = T0 + timedelta(minutes=87) + 2 * IDLE + timedelta(seconds=1)
    assert users.session(session_id, late, IDLE) is None
    assert users.session(session_id, T0 + timedelta(minutes=90), IDLE) is None  # ended


def test_logging_out_ends_that_session_only(users: UserStore) -> None:
    first, _ = users.open_session("desk-zhang", T0)
    second, _ = users.open_session("desk-zhang", T0)
    users.end_session(first)
    users.end_session("never opened")
    assert users.session(first, T0, IDLE) is None
    assert live(users, second).principal.name == "desk-zhang"


def test_a_new_password_ends_the_users_sessions_and_no_one_elses(users: UserStore) -> None:
    mine, _ = users.open_session("desk-zhang", T0)
    theirs, _ = users.open_session("sup-li", T0)
    users.set_password("desk-zhang", "a brand new secret")
    assert users.session(mine, T0, IDLE) is None
    assert live(users, theirs).principal.name == "sup-li"
    fresh, _ = users.open_session("desk-zhang", T0)
    assert live(users, fresh).principal.name == "desk-zhang"


def test_disabling_an_account_ends_its_sessions_and_opens_no_new_one(users: UserStore) -> None:
    mine, _ = users.open_session("desk-zhang", T0)
    theirs, _ = users.open_session("sup-li", T0)
    assert users.disable("desk-zhang")
    assert users.session(mine, T0, IDLE) is None
    assert live(users, theirs).principal.role is Role.SUPERVISOR
    with pytest.raises(UserError, match="no active account named 'desk-zhang'"):
        users.open_session("desk-zhang", T0)
    with pytest.raises(UserError, match="no active account named 'desk-li'"):
        users.open_session("desk-li", T0)


def test_a_language_that_is_not_a_language_tag_is_refused(users: UserStore) -> None:
    session_id, _ = users.open_session("desk-zhang", T0)
    with pytest.raises(UserError, match="not a language tag"):
        users.set_lang(session_id, "<script>")
    with pytest.raises(UserError, match="not a language tag"):
        users.open_session("desk-zhang", T0, "x" * 100)
    assert live(users, session_id).lang is None


def test_five_failed_logins_within_five_minutes_block_the_name_until_the_oldest_is_five_minutes_old(
    users: UserStore,
) -> None:
    for seconds in (0, 30, 60, 90):
        users.record_failure("desk-zhang", T0 + timedelta(seconds=seconds))
    assert users.blocked_for("desk-zhang", T0 + timedelta(seconds=100)) == 0
    users.record_failure("desk-zhang", T0 + timedelta(seconds=120))
    assert users.blocked_for("desk-zhang", T0 + timedelta(seconds=120)) == 300 - 120
    assert users.blocked_for("desk-zhang", T0 + timedelta(seconds=299.5)) == 1
    assert users.blocked_for("desk-zhang", T0 + timedelta(seconds=300)) == 0
    assert users.blocked_for("sup-li", T0 + timedelta(seconds=120)) == 0
    assert users.blocked_for("nobody", T0 + timedelta(seconds=120)) == 0


def test_failures_older_than_the_window_do_not_count(users: UserStore) -> None:
    for minutes in (0, 1, 2, 3):
        users.record_failure("desk-zhang", T0 + timedelta(minutes=minutes))
    users.record_failure("desk-zhang", T0 + timedelta(minutes=6))
    assert users.blocked_for("desk-zhang", T0 + timedelta(minutes=6)) == 0
    # (1 min, 6 min] holds three: the one at 1 min is five minutes old, out of the window
    assert users.blocked_for("desk-zhang", T0 + timedelta(minutes=6), limit=4) == 0
    assert users.blocked_for("desk-zhang", T0 + timedelta(minutes=6), limit=3) == 60
    window = timedelta(minutes=10)
    assert users.blocked_for("desk-zhang", T0 + timedelta(minutes=6), window=window) == 240


def test_while_more_than_the_limit_failed_the_name_stays_blocked_until_fewer_remain(
    users: UserStore,
) -> None:
    for seconds in range(0, 70, 10):  # seven failures
        users.record_failure("desk-zhang", T0 + timedelta(seconds=seconds))
    assert users.blocked_for("desk-zhang", T0 + timedelta(seconds=60)) == 320 - 60


def test_a_successful_login_clears_the_names_failures(users: UserStore) -> None:
    for seconds in range(5):
        users.record_failure("desk-zhang", T0 + timedelta(seconds=seconds))
        users.record_failure("sup-li", T0 + timedelta(seconds=seconds))
    assert users.blocked_for("desk-zhang", T0 + timedelta(seconds=5)) == 295
    users.clear_failures("desk-zhang")
    assert users.blocked_for("desk-zhang", T0 + timedelta(seconds=5)) == 0
    assert users.blocked_for("sup-li", T0 + timedelta(seconds=5)) == 295


def test_failures_for_names_no_account_can_have_are_not_kept(
    users: UserStore, settings: Settings
) -> None:
    users.record_failure("not a name", T0)
    users.clear_failures("not a name")
    assert users.blocked_for("not a name", T0) == 0
    users.record_failure("desk-li", T0 - timedelta(days=2))
    users.record_failure("desk-li", T0)  # forgets failures older than a day
    db = open_side_database(settings)
    try:
        rows = db.run("SELECT name FROM propdesk_login_failures")[1]
    finally:
        db.close()
    assert rows == [("desk-li",)]
