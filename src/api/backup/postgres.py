"""PostgreSQL backups: pg_dump, told where to connect through libpq's variables, never on a
command line; restored from pg_restore's script in one transaction of our own (pg_script)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo
from psycopg.sql import SQL, Identifier

from api.backup.manifest import (
    DUMP,
    BackupError,
    Contents,
    Manifest,
    Refused,
    Step,
    sha256,
    survey,
)
from api.backup.pg_restore_script import replay
from api.config.redaction import redact
from api.config.settings import Settings

# Where Debian installs each PostgreSQL version's tools when its wrapper is not on the PATH.
PG_VERSIONS = Path("/usr/lib/postgresql")


def dump(settings: Settings, target: Path, step: Step) -> tuple[Contents, int | None]:
    tool = _tool("pg_dump")
    # pg_dump reads one snapshot; exported by this transaction, the same snapshot gives
    # the counts, so the manifest describes exactly what the dump holds.
    with _connect(settings) as db:
        db.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot = _scalar(db, "SELECT pg_export_snapshot()")
        counted = _survey_in(db)
        step("dumping the database (pg_dump)")
        _run_tool(settings, [tool, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"])
    return counted


def restore_dump(
    settings: Settings, dump: Path, manifest: Manifest, *, force: bool, step: Step
) -> None:
    """One transaction: the check for data already there, pg_restore's statements and the
    count of what they restored, committed only if it is what the manifest says. Anything
    less is rolled back, and the database is as it was."""
    step("verifying the checksum")
    if sha256(dump) != manifest.files[DUMP]:
        raise BackupError(f"{dump} is damaged (checksum differs from the manifest)")
    tool = _tool("pg_restore")
    with _connect(settings) as db:  # commits when the block ends, rolls back on an error
        if _holds_data(db) and not force:
            raise Refused(
                f"the database {settings.shown_db} holds data; pass --force to replace it"
            )
        step("restoring the database (pg_restore, one transaction)")
        # --clean --if-exists also clears the empty tables propdesk creates on first use.
        # Objects belong to the user restoring, as on a fresh machine the roles of the old
        # one may not exist.
        script = [tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-"]
        replay(db, [*script, str(dump)], dict(os.environ))
        db.execute("RESET search_path")  # the script empties it for its own statements
        step("checking what was restored")
        if (found := _survey_in(db)[0]) != manifest.contents:
            raise BackupError(
                f"the restored database would hold {found}, the manifest says "
                f"{manifest.contents}; nothing was changed"
            )


def _holds_data(db: psycopg.Connection[Any]) -> bool:
    tables = db.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid ="
        " c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN"
        " ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
    ).fetchall()
    found = SQL("SELECT 1 FROM {}.{} LIMIT 1")
    return any(db.execute(found.format(Identifier(s), Identifier(t))).fetchone() for s, t in tables)


def _survey_in(db: psycopg.Connection[Any]) -> tuple[Contents, int | None]:
    rows = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    tables = {r[0] for r in rows}
    return survey(lambda sql: _scalar(db, sql), tables, sqlite=False)


def _scalar(db: psycopg.Connection[Any], sql: str) -> Any:
    row = db.execute(sql).fetchone()
    return row[0] if row else None


def _connect(settings: Settings) -> psycopg.Connection[Any]:
    env = settings.eventsourcing_env()
    return psycopg.connect(
        make_conninfo(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"] or None,
            password=env["POSTGRES_PASSWORD"] or None,
            connect_timeout=env["POSTGRES_CONNECT_TIMEOUT"],
        )
    )


def _tool(name: str) -> str:
    """Debian's wrapper on the PATH, else the newest of /usr/lib/postgresql/N/bin."""
    installed = sorted(
        PG_VERSIONS.glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    found = shutil.which(name) or (str(installed[-1]) if installed else None)
    if found is None:
        raise BackupError(
            f"{name} not found: install PostgreSQL's client tools, of the server's version "
            "or newer (Debian, Ubuntu: apt-get install postgresql-client)"
        )
    return found


def _run_tool(settings: Settings, command: list[str]) -> None:
    """The password goes in PGPASSWORD, not on the command line, where `ps` shows it."""
    env = settings.eventsourcing_env()
    variables = dict(
        os.environ,
        PGHOST=env["POSTGRES_HOST"],
        PGPORT=env["POSTGRES_PORT"],
        PGDATABASE=env["POSTGRES_DBNAME"],
        PGCONNECT_TIMEOUT=env["POSTGRES_CONNECT_TIMEOUT"],
        PGAPPNAME="propdesk-backup",
    )
    if env["POSTGRES_USER"]:
        variables["PGUSER"] = env["POSTGRES_USER"]
    if env["POSTGRES_PASSWORD"]:
        variables["PGPASSWORD"] = env["POSTGRES_PASSWORD"]
    done = subprocess.run(command, env=variables, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = redact("\n".join(done.stderr.strip().splitlines()[-6:]), env["POSTGRES_PASSWORD"])
        raise BackupError(f"{Path(command[0]).name} failed (exit {done.returncode}):\n{detail}")
