"""A pg_dump archive replayed inside a transaction of the caller's, so that the caller can
check what it restored before it commits.

`pg_restore --single-transaction` commits by itself, before anyone could look at the
result. Asked for a script instead (`--file=-`), pg_restore writes the statements and
the tables' rows as `COPY ... FROM stdin` blocks, as psql would read them; this module
reads them the same way: the statements between two blocks go to the server in one call,
each block's rows through COPY, and psql's own commands (`\\restrict`, `\\unrestrict`,
which only guard psql itself) are skipped.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterator
from typing import IO, Any

import psycopg

from api.backup.manifest import BackupError

COPY_BLOCK = re.compile(rb"^COPY .+ FROM stdin;$")
END_OF_COPY = b"\\.\n"


def replay(db: psycopg.Connection[Any], command: list[str], env: dict[str, str]) -> None:
    """Run pg_restore's script (`command` writes it to stdout) on `db`, uncommitted.

    pg_restore writing a script reads only the archive, so its failure is the archive's."""
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env) as tool,
    ):
        if tool.stdout is not None:  # always: it was asked for
            _execute(db, tool.stdout)
        code = tool.wait()
        if code != 0:
            errors.seek(0)
            detail = "\n".join(errors.read().decode(errors="replace").strip().splitlines()[-6:])
            raise BackupError(
                f"damaged backup, or one from a newer pg_dump: pg_restore cannot read "
                f"{command[-1]} (exit {code}):\n{detail}"
            )


def _execute(db: psycopg.Connection[Any], script: IO[bytes]) -> None:
    lines = iter(script)
    for statements, copy_line in _chunks(lines):
        if statements.strip():
            db.execute(statements)
        if copy_line is not None:
            with db.cursor().copy(copy_line.rstrip().removesuffix(b";")) as copy:
                for row in lines:
                    if row == END_OF_COPY:
                        break
                    copy.write(row)


def _chunks(lines: Iterator[bytes]) -> Iterator[tuple[bytes, bytes | None]]:
    """The script's statements up to each COPY line, with that line (the consumer reads its
    rows from `lines` before it asks for the next chunk); last, the statements after it."""
    pending: list[bytes] = []
    for line in lines:
        if COPY_BLOCK.match(line.rstrip(b"\n")):
            yield b"".join(pending), line
            pending = []
        elif not line.startswith(b"\\"):
            pending.append(line)
    yield b"".join(pending), None
