"""Whether some process holds each role, as a server process sees it (`/health`, and a read
that waited in vain for the read models).

On PostgreSQL the roles are advisory locks (`api/storage/role_locks.py`) and PostgreSQL's
lock table tells who holds them, across machines. On SQLite nothing stands for a role:
`propdesk serve` runs its follower process itself, and no other process can be seen.
"""

from __future__ import annotations

import threading

from api.config.settings import Settings
from api.storage.own_tables import SideDatabase, open_side_database
from api.storage.role_locks import ROLES, database_name, held_roles


class RoleWatch:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._db: SideDatabase | None = None
        self._opening = threading.Lock()

    def held(self) -> dict[str, bool] | None:
        """Each role and whether a session holds it now; None where that cannot be seen
        (SQLite). The connections are opened at the first look, which few answers need."""
        if not self._settings.is_postgres:
            return None
        with self._opening:
            if self._db is None:
                self._db = open_side_database(self._settings)
        return held_roles(self._db, database_name(self._settings), ROLES)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
