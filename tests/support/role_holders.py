"""Which `propdesk serve` holds a role on PostgreSQL: the role's advisory lock is held by a
session that names its candidate process, whose parent is the `serve`."""

from __future__ import annotations

import time
from pathlib import Path

from api.config.settings import Settings
from api.storage.own_tables import SideDatabase
from api.storage.role_locks import HOLDERS, database_name, holder_params, role_key


def holder_parent(db: SideDatabase, settings: Settings, role: str = "follower") -> int | None:
    """The process id of the `serve` whose candidate holds `role`; None while none does, and
    while the session of a candidate killed a moment ago is still ending."""
    key = role_key(role, database_name(settings))
    pids = [pid for (pid,) in db.run(HOLDERS, holder_params(key))[1]]
    if not pids:
        return None
    (pid,) = pids
    names = db.run("SELECT application_name FROM pg_stat_activity WHERE pid = ?", (pid,))[1]
    if not names:
        return None
    candidate = int(names[0][0].rsplit(" ", 1)[1])
    try:
        stat = Path(f"/proc/{candidate}/stat").read_text()
    except FileNotFoundError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # the field after the state: its parent


def until_held_by(
    db: SideDatabase,
    settings: Settings,
    among: set[int],
    timeout: float = 30,
    role: str = "follower",
) -> int:
    deadline = time.monotonic() + timeout
    while (found := holder_parent(db, settings, role)) not in among:
        assert time.monotonic() < deadline, f"no serve of {among} holds the role ({found})"
        time.sleep(0.05)
    assert found is not None
    return found
