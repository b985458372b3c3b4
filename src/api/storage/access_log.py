"""Who saw which personal data of which case, and when: the console's access log.

The console shows a reporter's phone number (and other personal data) only when a member
of staff asks for it, and records each time: when, who (name and role then), the case
and what was shown, e.g. `reporter.phone`. The log is only ever added to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from api.config.settings import Settings
from api.storage.own_tables import SideDatabase, open_own_store
from api.storage.tokens import Principal
from workflow import labels
from workflow.errors import InvalidInput

# The row number keeps the order of entries recorded at the same instant.
_ROW_ID = {False: "INTEGER PRIMARY KEY", True: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"}
_CREATE = (
    "CREATE TABLE IF NOT EXISTS propdesk_access_log (id {row_id}, at TEXT NOT NULL,"
    " who TEXT NOT NULL, role TEXT NOT NULL, case_id TEXT NOT NULL, what TEXT NOT NULL)"
)
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS propdesk_access_log_at ON propdesk_access_log (at)",
    "CREATE INDEX IF NOT EXISTS propdesk_access_log_case ON propdesk_access_log (case_id, at)",
    "CREATE INDEX IF NOT EXISTS propdesk_access_log_who ON propdesk_access_log (who, at)",
)
_RECORD = "INSERT INTO propdesk_access_log (at, who, role, case_id, what) VALUES (?, ?, ?, ?, ?)"
_SELECT = "SELECT at, who, role, case_id, what FROM propdesk_access_log"
_NEWEST_FIRST = " ORDER BY at DESC, id DESC LIMIT ?"
LONGEST_TEXT = 200  # a case id or what was shown


@dataclass(frozen=True)
class Access:
    at: datetime  # UTC
    who: str
    role: str
    case_id: str
    what: str  # e.g. reporter.phone


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} needs its offset (a time zone)")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _text(field: str, value: str) -> str:
    if not value or len(value) > LONGEST_TEXT or not value.isprintable():
        raise ValueError(f"{field}: 1-{LONGEST_TEXT} printable characters")
    return value


def _who(name: str) -> str:
    """A name as the log holds it (NFC); one no staff member can have is kept as given and
    finds nothing."""
    try:
        return labels.name("who", name)
    except InvalidInput:
        return name


class AccessLog:
    def __init__(self, db: SideDatabase) -> None:
        self._db = db
        db.run(_CREATE.format(row_id=_ROW_ID[db.remote]))
        for index in _INDEXES:
            db.run(index)

    def record(self, who: Principal, case_id: str, what: str, at: datetime) -> None:
        row = (_stamp(at), who.name, who.role.value, _text("case_id", case_id), _text("what", what))
        self._db.run(_RECORD, row)

    def entries(
        self, *, case_id: str | None = None, who: str | None = None, limit: int = 1000
    ) -> list[Access]:
        """The newest `limit` entries, newest first; of one case, one person, or both."""
        if limit < 1:
            raise ValueError(f"limit {limit}: at least 1")
        where, params = [], []
        if case_id is not None:
            where.append("case_id = ?")
            params.append(case_id)
        if who is not None:
            where.append("who = ?")
            params.append(_who(who))
        sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + _NEWEST_FIRST
        _, rows = self._db.run(sql, (*params, limit))
        return [Access(datetime.fromisoformat(r[0]), r[1], r[2], r[3], r[4]) for r in rows]

    def close(self) -> None:
        """Release connections."""
        self._db.close()


def open_access_log(settings: Settings) -> AccessLog:
    return open_own_store(settings, AccessLog)
