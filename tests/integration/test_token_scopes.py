"""`propdesk token new` gives each token its communities: where a deployment has several it
must say which (or all of them); a token stored before scopes existed sees every one."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from api.cli.main import app
from api.config.settings import Settings
from api.storage.tokens import open_tokens


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def scope_of(db: str, token: str) -> frozenset[str] | None:
    tokens = open_tokens(Settings.load({}, db=db))
    try:
        found = tokens.verify(token)
    finally:
        tokens.close()
    assert found is not None
    return found.communities


def test_with_one_community_a_token_needs_no_scope_and_sees_every_community(db: str) -> None:
    code, out, _ = run("token", "new", "desk-zhang", "--role", "agent", "--db", db)
    assert code == 0
    assert "for every community" in out
    assert scope_of(db, out.strip().splitlines()[-1]) is None


def test_with_several_communities_a_token_says_which_it_sees(db: str) -> None:
    for code in ("east", "west"):
        assert run("community", "add", code, "--name", code, "--db", db)[0] == 0
    code, _, err = run("token", "new", "desk-zhang", "--role", "agent", "--db", db)
    assert code == 2
    assert "this deployment has 3 communities" in err
    assert "--all-communities" in err
    args = ("token", "new", "desk-zhang", "--role", "agent", "--db", db)
    code, _, err = run(*args, "--community", "north")
    assert (code, "unknown community 'north'" in err) == (2, True)
    code, _, err = run(*args, "--community", "east", "--all-communities")
    assert (code, "not both" in err) == (2, True)
    code, out, _ = run(*args, "--community", "west", "--community", "east")
    assert code == 0
    assert scope_of(db, out.strip().splitlines()[-1]) == {"east", "west"}
    code, out, _ = run(
        "token", "new", "boss-liu", "--role", "supervisor", "--all-communities", "--db", db
    )
    assert code == 0
    assert scope_of(db, out.strip().splitlines()[-1]) is None
    listed = run("token", "list", "--db", db)[1].splitlines()
    assert [line.split("\t")[:3] for line in listed] == [
        ["boss-liu", "supervisor", "*"],
        ["desk-zhang", "agent", "east west"],
    ]


def test_a_token_stored_before_scopes_existed_keeps_working_for_every_community(
    tmp_path: Path,
) -> None:
    db = tmp_path / "propdesk.db"
    with sqlite3.connect(db) as old:
        old.execute(
            "CREATE TABLE propdesk_tokens (name TEXT PRIMARY KEY, role TEXT NOT NULL,"
            " digest TEXT UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT)"
        )
        old.execute(
            "INSERT INTO propdesk_tokens VALUES ('desk-zhang', 'agent', ?, '2026-01-01', NULL)",
            (hashlib.sha256(b"pd_old").hexdigest(),),
        )
    old.close()
    tokens = open_tokens(Settings.load({}, db=str(db)))
    try:
        found = tokens.verify("pd_old")
        assert found is not None
        assert (found.name, found.communities, found.sees("anywhere")) == ("desk-zhang", None, True)
        narrow = tokens.issue("eng-wang", "worker", {"east"})
        assert tokens.verify(narrow).sees("east")
        assert not tokens.verify(narrow).sees("west")
    finally:
        tokens.close()
