"""Staff accounts for the web console: a name, a role, a scope and a password of which only
an Argon2id hash is kept; on SQLite and PostgreSQL alike."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher

from api.config.settings import Settings
from api.storage.own_tables import open_own_store, open_side_database
from api.storage.tokens import Principal, Role
from api.storage.users import UserError, UserStore, open_users

PASSWORD = "correct horse battery"


@pytest.fixture
def users(settings: Settings) -> Iterator[UserStore]:
    store = open_users(settings)
    yield store
    store.close()


def stored(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    db = open_side_database(settings)
    try:
        return db.run(sql)[1]
    finally:
        db.close()


def test_an_added_account_logs_in_with_its_password_and_nothing_else(users: UserStore) -> None:
    users.add("desk-zhang", Role.AGENT, {"sunny-garden"}, PASSWORD)
    found = users.authenticate("desk-zhang", PASSWORD)
    assert found == Principal("desk-zhang", Role.AGENT, frozenset({"sunny-garden"}))
    assert users.principal("desk-zhang") == found
    assert users.authenticate("desk-zhang", PASSWORD + "!") is None
    assert users.authenticate("desk-zhang", PASSWORD.upper()) is None
    assert users.authenticate("desk-zhang", "") is None
    assert users.authenticate("desk-li", PASSWORD) is None
    assert users.authenticate("not a name at all", PASSWORD) is None
    assert users.authenticate("desk-zhang", "x" * 5000) is None
    assert users.principal("desk-li") is None


def test_only_an_argon2id_hash_of_the_password_is_stored(
    users: UserStore, settings: Settings
) -> None:
    users.add("desk-zhang", "agent", None, PASSWORD)
    [(digest,)] = stored(settings, "SELECT password FROM propdesk_users")
    assert digest.startswith("$argon2id$")
    everything = repr(stored(settings, "SELECT * FROM propdesk_users"))
    assert PASSWORD not in everything
    assert [r.name for r in users.records()] == ["desk-zhang"]
    assert "$argon2" not in repr(users.records())


def test_an_account_for_every_community_and_one_for_some_list_their_scopes(
    users: UserStore,
) -> None:
    users.add("sup-li", "supervisor", None, PASSWORD)
    users.add("eng-wang", "worker", ["west", "east"], PASSWORD)
    records = {r.name: r for r in users.records()}
    assert records["sup-li"].communities is None
    assert records["eng-wang"].communities == ("east", "west")
    assert records["eng-wang"].role is Role.WORKER
    assert records["eng-wang"].disabled_at is None
    assert users.authenticate("sup-li", PASSWORD) == Principal("sup-li", Role.SUPERVISOR, None)


def test_a_disabled_account_cannot_log_in_and_may_be_added_again(users: UserStore) -> None:
    users.add("desk-zhang", "agent", None, PASSWORD)
    assert users.disable("desk-zhang") is True
    assert users.disable("desk-zhang") is False
    assert users.disable("nobody") is False
    assert users.authenticate("desk-zhang", PASSWORD) is None
    assert users.principal("desk-zhang") is None
    [record] = users.records()
    assert record.disabled_at is not None
    with pytest.raises(UserError, match="is disabled; add it again"):
        users.set_password("desk-zhang", "another password")
    users.add("desk-zhang", "supervisor", None, "another password")
    assert users.authenticate("desk-zhang", PASSWORD) is None
    found = users.authenticate("desk-zhang", "another password")
    assert found is not None
    assert found.role is Role.SUPERVISOR


def test_a_new_password_replaces_the_old_one(users: UserStore) -> None:
    users.add("desk-zhang", "agent", None, PASSWORD)
    users.set_password("desk-zhang", "a brand new secret")
    assert users.authenticate("desk-zhang", PASSWORD) is None
    assert users.authenticate("desk-zhang", "a brand new secret") is not None
    with pytest.raises(UserError, match="no account named 'desk-li'"):
        users.set_password("desk-li", "a brand new secret")
    with pytest.raises(UserError, match="at least 10 characters"):
        users.set_password("desk-zhang", "short")
    assert users.authenticate("desk-zhang", "a brand new secret") is not None


@pytest.mark.parametrize(
    ("name", "role", "communities", "password", "message"),
    [
        ("desk-zhang", "agent", None, "123456789", "at least 10 characters"),
        ("desk-zhang", "agent", None, "x" * 1025, "at most 1024 characters"),
        ("desk zhang", "agent", None, PASSWORD, "a staff name is 1-64 letters"),
        ("", "agent", None, PASSWORD, "a staff name is 1-64 letters"),
        ("hotline", "channel", None, PASSWORD, "has no console"),
        ("desk-zhang", "janitor", None, PASSWORD, "'janitor' is not a role; one of agent"),
        ("desk-zhang", "agent", [], PASSWORD, "at least one community"),
    ],
)
def test_an_account_that_cannot_be_added_is_refused_saying_why_and_nothing_is_written(
    users: UserStore,
    name: str,
    role: str,
    communities: list[str] | None,
    password: str,
    message: str,
) -> None:
    with pytest.raises(UserError, match=message) as refused:
        users.add(name, role, communities, password)
    assert password not in str(refused.value)
    assert users.records() == []


def test_a_name_in_use_is_refused_and_the_first_account_is_kept(users: UserStore) -> None:
    users.add("desk-zhang", "agent", None, PASSWORD)
    with pytest.raises(UserError, match="'desk-zhang' exists; disable it first"):
        users.add("desk-zhang", "admin", None, "the second password")
    assert users.authenticate("desk-zhang", PASSWORD) == Principal("desk-zhang", Role.AGENT)
    assert users.authenticate("desk-zhang", "the second password") is None


def test_names_are_normalised_as_token_names_are(users: UserStore) -> None:
    decomposed = unicodedata.normalize("NFD", "José")
    users.add(decomposed, "agent", None, PASSWORD)
    found = users.authenticate("José", PASSWORD)
    assert found is not None
    assert found.name == unicodedata.normalize("NFC", "José")
    assert [r.name for r in users.records()] == [found.name]


def test_a_hash_made_with_weaker_parameters_is_replaced_at_the_next_login(
    settings: Settings,
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    old = open_own_store(settings, lambda db: UserStore(db, weak))
    old.add("desk-zhang", "agent", None, PASSWORD)
    old.close()
    [(before,)] = stored(settings, "SELECT password FROM propdesk_users")
    assert "m=8192" in before
    users = open_users(settings)
    try:
        assert users.authenticate("desk-zhang", PASSWORD) is not None
        [(after,)] = stored(settings, "SELECT password FROM propdesk_users")
        assert after != before
        assert after.startswith("$argon2id$")
        assert not PasswordHasher().check_needs_rehash(after)
        assert users.authenticate("desk-zhang", PASSWORD) is not None
    finally:
        users.close()


def test_the_store_says_whether_it_is_remote(users: UserStore, db: str) -> None:
    assert users.remote is db.startswith("postgresql")
