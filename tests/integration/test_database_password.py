"""The PostgreSQL password never reaches the screen: every error path that names the
database shows it as postgresql://user:***@host/db."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.backup.manifest import DUMP, MANIFEST, Contents, Manifest, sha256
from api.cli.main import app
from api.config.server import ServerConfig
from api.config.settings import Settings

PASSWORD = "s3cret-PW"
CASE = "6f1c2b7e-0000-4000-8000-000000000000"
URLS = {
    "incomplete": f"postgresql://desk:{PASSWORD}@/propdesk",
    "without a database": f"postgresql://desk:{PASSWORD}@db.local",
    "a port not a number": f"postgresql://desk:{PASSWORD}@db.local:port/propdesk",
    "a port out of range": f"postgresql://desk:{PASSWORD}@db.local:99999/propdesk",
    "an unsupported scheme": f"mysql://desk:{PASSWORD}@db.local/propdesk",
    "an unclosed IPv6 host": f"postgresql://desk:{PASSWORD}@[::1/propdesk",
    "an unreachable server": f"postgresql://desk:{PASSWORD}@127.0.0.1:1/propdesk",
    "a password with an @": "postgresql://desk:s3cret@PW@127.0.0.1:1/propdesk",
}
COMMANDS = {
    "show": ["show", CASE],
    "history": ["history", CASE],
    "report sla": ["report", "sla"],
    "report first-contact": ["report", "first-contact"],
    "projections rebuild": ["projections", "rebuild"],
    "token list": ["token", "list"],
    "token new": ["token", "new", "desk-zhang", "--role", "agent"],
    "backup": ["backup", "--to", "{tmp}/backup"],
}


def no_password_in(output: str) -> None:
    for secret in (PASSWORD, "s3cret@PW", "s3cret"):
        assert secret not in output, output
    assert "Traceback" not in output, output


@pytest.mark.parametrize("url", URLS.values(), ids=URLS.keys())
@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_an_unusable_database_url_is_reported_without_its_password(
    url: str, command: list[str], tmp_path: Path
) -> None:
    args = [part.replace("{tmp}", str(tmp_path)) for part in command]
    result = CliRunner().invoke(app, [*args, "--db", url])
    assert result.exit_code == 2, result.output
    no_password_in(result.output)
    assert "desk:***@" in result.output


@pytest.mark.parametrize("url", URLS.values(), ids=URLS.keys())
def test_the_url_from_the_environment_is_reported_without_its_password(url: str) -> None:
    result = CliRunner().invoke(app, ["report", "sla"], env={"PROPDESK_DB": url})
    assert result.exit_code == 2, result.output
    no_password_in(result.output)


def test_restore_reports_an_unreachable_database_without_its_password(tmp_path: Path) -> None:
    """A PostgreSQL backup whose dump passes its checksum: the restore gets as far as
    connecting."""
    (tmp_path / DUMP).write_bytes(b"a dump restore never reaches")
    files = {DUMP: sha256(tmp_path / DUMP)}
    backup = Manifest(
        "postgresql", "2026-11-20T01:00:00+00:00", "", Contents(0, 0, 0, 0), None, files
    )
    (tmp_path / MANIFEST).write_text(json.dumps(asdict(backup)))
    result = CliRunner().invoke(
        app, ["restore", "--from", str(tmp_path), "--db", URLS["an unreachable server"]]
    )
    assert result.exit_code == 2, result.output
    no_password_in(result.output)
    assert "the database postgresql://desk:***@127.0.0.1:1/propdesk cannot be used" in (
        result.output
    )


def test_settings_and_server_settings_show_no_password_in_their_repr() -> None:
    url = "postgresql://desk:s3cret-PW@db.local:6543/propdesk"
    settings = Settings.load({"PROPDESK_DB": url})
    assert settings.eventsourcing_env()["POSTGRES_PASSWORD"] == PASSWORD
    for shown in (repr(settings), str(settings), repr(ServerConfig.load({"PROPDESK_DB": url}))):
        assert PASSWORD not in shown
        assert "postgresql://desk:***@db.local:6543/propdesk" in shown


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (URLS["a port not a number"], "desk:***@db.local:port/propdesk"),
        (URLS["an unreachable server"], "Connection refused"),
    ],
    ids=["bad", "away"],
)
def test_serve_reports_an_unusable_database_without_its_password(url: str, said: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    propdesk = Path(sys.executable).with_name("propdesk")
    done = subprocess.run(
        [str(propdesk), "serve", "--db", url, "--workers", "1", "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert said in done.stderr
    no_password_in(done.stdout + done.stderr)
