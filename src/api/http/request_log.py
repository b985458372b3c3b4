"""The request log (uvicorn's access log, one line per request, shown by `propdesk serve`
at its default level) never holds personal data sent in a query string.

`GET /requests?phone=...` carries a resident's phone number. uvicorn writes each request's
path with its query string as given; a filter on its logger replaces the value of each
such parameter with `***` before any handler sees the line. The parameter's name is
compared as the application reads it (percent-decoded) and in any case, so that neither
`Phone=` (refused as unknown, but logged all the same) nor `ph%6Fne=` shows a number.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote_plus

from api.config.redaction import HIDDEN

ACCESS_LOGGER = "uvicorn.access"
PERSONAL = frozenset({"phone"})  # query parameters that carry personal data
_PATH = 2  # uvicorn's access line: client, method, path with query, HTTP version, status


def redact_query(path: str) -> str:
    """`path` (with its query string, if any) with each personal parameter's value hidden."""
    base, mark, query = path.partition("?")
    if not mark or not query:
        return path
    parts = []
    for part in query.split("&"):
        name, equals, _ = part.partition("=")
        if unquote_plus(name).strip().lower() in PERSONAL:
            part = f"{name}={HIDDEN}" if equals else name
        parts.append(part)
    return f"{base}?{'&'.join(parts)}"


class HidesPersonalData(logging.Filter):
    """Rewrites an access line's path; lets every record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > _PATH:
            path = args[_PATH]
            if isinstance(path, str):
                record.args = (*args[:_PATH], redact_query(path), *args[_PATH + 1 :])
        return True


def install() -> None:
    """Once per process, whichever app or server comes first: a logger's filters outlast
    uvicorn's logging configuration, which replaces only its handlers."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, HidesPersonalData) for f in logger.filters):
        logger.addFilter(HidesPersonalData())
